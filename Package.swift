// swift-tools-version:6.0
// The manifest is the architecture diagram: data flows Intake -> Transforms -> Spool -> Sinks,
// `Pipeline` wires them, `AdminServer` serves HTTP, `admin` is the only executable.
// Only `Clients` imports the C modules (CCurl, CMongoC, CLibPQ).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // A module's members are visible only where that module is imported, so every `import` is
    // spelled out, and scripts/test builds with `--explicit-target-dependency-import-check error`
    // so that every imported module is also declared below: this file stays the true graph.
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "datamp-admin",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "admin", targets: ["admin"]),
        // A measuring tool for `scripts/bench delivery`, not shipped in the hub.
        .executable(name: "null-store", targets: ["NullStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        // Thin system-library targets over Debian's -dev packages: a module map and a shim header.
        .systemLibrary(name: "CCurl", path: "Sources/CWrappers/CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CMongoC", path: "Sources/CWrappers/CMongoC", pkgConfig: "libmongoc-1.0",
                       providers: [.apt(["libmongoc-dev"])]),
        .systemLibrary(name: "CLibPQ", path: "Sources/CWrappers/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),

        // A loopback Elasticsearch and MongoDB that answer every write at once (scripts/bench delivery).
        .executableTarget(name: "NullStore", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ], swiftSettings: swiftSettings),

        // The log event model: JSON values, levels, ids, the spooled event. No dependencies.
        .target(name: "LogModel", swiftSettings: swiftSettings),
        // Masks passwords in URLs, DSNs, conninfo strings and free text: the one redaction every area uses.
        .target(name: "Secrets", swiftSettings: swiftSettings),
        // Lenient field mapping, levels, tracebacks, redaction, enrichment, ids.
        .target(name: "Transforms", dependencies: ["LogModel", "Secrets"], swiftSettings: swiftSettings),
        // Body decoding (NDJSON, JSON, gzip) with limits and per-event errors.
        .target(name: "Intake", dependencies: [
            "LogModel", "Transforms",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ], swiftSettings: swiftSettings),
        // Durable, segmented, checksummed local buffer with group commit and per-sink cursors.
        .target(name: "Spool", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // Thin async wrappers over the C libraries; blocking calls run on threads of their own.
        .target(name: "ClientHTTP", dependencies: [
            "CCurl", "Secrets", .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Clients/HTTP", swiftSettings: swiftSettings),
        .target(name: "ClientElasticsearch", dependencies: ["ClientHTTP"], path: "Sources/Clients/Elasticsearch",
                swiftSettings: swiftSettings),
        .target(name: "ClientMongo", dependencies: [
            "CMongoC", "LogModel", "Secrets",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Clients/Mongo", swiftSettings: swiftSettings),
        .target(name: "ClientPostgres", dependencies: [
            "CLibPQ", "Secrets",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Clients/Postgres", swiftSettings: swiftSettings),
        // What every sink promises: deliver a batch, report each item's outcome.
        .target(name: "Sinks", dependencies: ["LogModel"], path: "Sources/Sinks/Core", swiftSettings: swiftSettings),
        .target(name: "SinkElasticsearch", dependencies: [
            "Sinks", "ClientHTTP", "ClientElasticsearch", "LogModel", .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Sinks/Elasticsearch", swiftSettings: swiftSettings),
        .target(name: "SinkMongoDB", dependencies: [
            "Sinks", "ClientMongo", "LogModel", .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Sinks/MongoDB", swiftSettings: swiftSettings),
        // Ingest tokens now; staff users, roles and sessions next.
        .target(name: "Identity", dependencies: [
            "ClientPostgres",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: swiftSettings),
        // Wiring: intake -> spool, spool readers -> sink workers (batching, retry, dead letters).
        .target(name: "Pipeline", dependencies: [
            "LogModel", "Transforms", "Intake", "Spool", "Sinks", "ClientPostgres",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], swiftSettings: swiftSettings),
        // What every area plugs into: the configuration reader, the module protocol, the shared
        // clients, routes with the access each needs, the staff gate, JSON and HTML answers.
        .target(name: "HubKit", dependencies: [
            "Identity", "LogModel", "ClientPostgres", "ClientHTTP", "ClientElasticsearch", "ClientMongo", "Spool", "Secrets",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
        ], swiftSettings: swiftSettings),
        // The query language: lexer/parser, AST, printer, compilers to Elasticsearch and MongoDB. No I/O.
        .target(name: "Search", dependencies: ["LogModel"], swiftSettings: swiftSettings),
        // The areas: each one module with one entry point (configuration, migrations, services, routes).
        .target(name: "IdentityArea", dependencies: [
            "HubKit", "Identity", "LogModel", "ClientPostgres",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/Areas/Identity", swiftSettings: swiftSettings),
        .target(name: "PipelineArea", dependencies: [
            "HubKit", "Pipeline", "Identity", "Intake", "ClientPostgres", "Transforms", "Spool", "Sinks", "SinkElasticsearch", "SinkMongoDB",
            "ClientHTTP", "ClientElasticsearch", "ClientMongo", "LogModel",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/Areas/Pipeline", swiftSettings: swiftSettings),
        .target(name: "SearchArea", dependencies: [
            "HubKit", "Search", "Identity", "LogModel", "Spool", "ClientPostgres", "ClientHTTP", "ClientElasticsearch", "ClientMongo",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/Areas/Search", swiftSettings: swiftSettings),
        // Alerting's pure parts: fingerprints, the routing tree, the grouping state machine, Telegram text
        // and limits, Sentry envelopes and rate limits. No I/O: table-tested without a network.
        .target(name: "Alerting", dependencies: [
            "LogModel", "Search", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        .target(name: "AlertingArea", dependencies: [
            "Alerting", "HubKit", "Identity", "LogModel", "ClientPostgres", "ClientHTTP", "Spool",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Sources/Areas/Alerting", swiftSettings: swiftSettings),
        // Operations' pure parts: exact money, the catalog and its validation, the operation state
        // machine, the audit hash chain, daily caps. No I/O.
        .target(name: "Operations", dependencies: [
            "LogModel", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
        .target(name: "OperationsArea", dependencies: [
            "Operations", "HubKit", "Identity", "LogModel", "ClientPostgres", "ClientHTTP",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Sources/Areas/Operations", swiftSettings: swiftSettings),
        // The hub: builds the shared clients once, loops over the areas, serves health and metrics.
        .target(name: "AdminServer", dependencies: [
            "HubKit", "IdentityArea", "PipelineArea", "SearchArea", "AlertingArea", "OperationsArea", "Identity", "ClientPostgres", "ClientHTTP", "ClientElasticsearch", "ClientMongo",
            "Spool", "LogModel",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], resources: [.embedInCode("Resources/openapi.yaml")], swiftSettings: swiftSettings),
        // The one executable: CLI commands and wiring only.
        .executableTarget(name: "admin", dependencies: [
            "AdminServer", "HubKit", "Identity", "ClientPostgres", "LogModel", "Spool", "OperationsArea",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: swiftSettings),

        // Shared by the test targets: temporary directories, stand-in addresses, a recording HTTP server.
        .target(name: "TestSupport", dependencies: [
            "ClientHTTP", "LogModel",
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ], path: "Tests/TestSupport", swiftSettings: swiftSettings),

        .testTarget(name: "SecretsTests", dependencies: ["Secrets"], swiftSettings: swiftSettings),
        .testTarget(name: "LogModelTests", dependencies: ["LogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "TransformsTests", dependencies: ["Transforms", "LogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "IntakeTests", dependencies: [
            "Intake", "LogModel", "Transforms",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        .testTarget(name: "ClientHTTPTests", dependencies: ["ClientHTTP", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ClientMongoTests", dependencies: ["ClientMongo", "TestSupport", "LogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "ClientPostgresTests", dependencies: ["ClientPostgres", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SinkElasticsearchTests", dependencies: ["SinkElasticsearch", "Sinks", "ClientHTTP", "TestSupport", "LogModel"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "SinkMongoDBTests", dependencies: ["SinkMongoDB", "Sinks", "ClientMongo", "TestSupport", "LogModel"],
                    swiftSettings: swiftSettings),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "ClientPostgres", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PipelineTests", dependencies: [
            "Pipeline", "Spool", "Sinks", "SinkElasticsearch", "ClientHTTP", "LogModel", "ClientPostgres", "Intake", "Transforms",
            "TestSupport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: swiftSettings),
        .testTarget(name: "SearchTests", dependencies: ["Search", "LogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "AlertingTests", dependencies: ["Alerting", "LogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "OperationsTests", dependencies: ["Operations", "LogModel"], swiftSettings: swiftSettings),
        .testTarget(name: "IntegrationTests", dependencies: [
            "AdminServer", "Pipeline", "Identity", "ClientHTTP", "ClientMongo", "ClientPostgres", "TestSupport", "LogModel",
            .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: swiftSettings),
    ]
)
