import Foundation
public import HubKit
public import Identity
import IdentityArea
import PipelineArea

/// The hub's whole configuration, read once at start-up: the shared core keys and every module's
/// own section. Each key has a default, a YAML path and an `ADMIN_*` variable; `admin check-config`
/// prints them all with secrets masked.
public struct HubConfiguration: Sendable {
    public var core: CoreConfiguration
    public var modules: ModuleConfigurations
    /// Every key with its value and source, for `check-config`.
    public var entries: [ConfigurationReader.Entry]

    /// Loads the file (if any) and the environment, validating every value; reports all problems at once.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> HubConfiguration {
        let reader = try ConfigurationReader(filePath: file, environment: environment)
        let core = CoreConfiguration.read(reader)
        var modules = ModuleConfigurations()
        for module in Hub.modules { module.read(into: &modules, from: reader, core: core) }
        try reader.finish()
        return HubConfiguration(core: core, modules: modules, entries: reader.entries)
    }

    /// `key = value  # source, ENV: help` lines with secrets masked, for `admin check-config`.
    public func describe() -> String {
        entries.map { entry in
            let shown = entry.isSecret ? ConfigurationReader.masked(entry.value) : entry.value
            return "\(entry.key) = \(shown)    # \(entry.source.rawValue), \(entry.environmentVariable): \(entry.help)"
        }.joined(separator: "\n")
    }

    // Shorthands the hub, the CLI and the tests use.
    public var server: CoreConfiguration.Server { core.server }
    public var databaseURL: String { core.databaseURL }
    public var mongodb: CoreConfiguration.MongoDB { core.mongodb }
    public var elasticsearch: CoreConfiguration.Elasticsearch { core.elasticsearch }
    /// What `IdentityServices` is built with (`auth.*`).
    public var identity: IdentityConfiguration { modules[IdentityModule.self].identity }
    public var tokenCacheSeconds: Int { modules[IdentityModule.self].tokenCacheSeconds }
    public var pipeline: PipelineConfiguration { modules[PipelineModule.self] }
}

extension HubModule {
    /// Reads this module's section into `modules` (called through `any HubModule.Type`).
    static func read(into modules: inout ModuleConfigurations, from reader: ConfigurationReader, core: CoreConfiguration) {
        modules.read(Self.self, from: reader, core: core)
    }
}
