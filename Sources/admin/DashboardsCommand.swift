import ArgumentParser
import Dashboards
import Foundation

/// `admin dashboards install`: imports the hub's saved objects (index pattern, searches,
/// visualizations, dashboard) into OpenSearch Dashboards or Kibana through the saved-objects API.
struct DashboardsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboards", abstract: "OpenSearch Dashboards / Kibana saved objects for the hub's indices.",
        subcommands: [Install.self])

    struct Install: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "install",
            abstract: "Import the saved objects (index pattern datamp-logs-*, searches, visualizations, dashboard), overwriting earlier copies.")

        @Option(name: .long, help: "OpenSearch Dashboards or Kibana base URL, e.g. http://localhost:5601.")
        var url: String
        @Option(name: .long, help: "Basic-auth user.") var user: String?
        @Option(name: .long, help: "Basic-auth password (or ADMIN_DASHBOARDS_PASSWORD, which keeps it out of the process list).")
        var password: String?
        @Option(name: .long, help: "Kibana API key, sent as 'Authorization: ApiKey <key>' (or ADMIN_DASHBOARDS_API_KEY).")
        var apiKey: String?
        @Option(name: .long, help: "Kibana space id (imports into /s/<space>); default: the default space.")
        var space: String?
        @Option(name: .long, help: "Import this NDJSON instead of the saved objects built into admin.")
        var file: String?
        @Option(name: .long, help: "The hub's elasticsearch.index_prefix: the index pattern becomes <prefix>-* (default: ADMIN_ELASTICSEARCH_INDEX_PREFIX, else datamp-logs).")
        var indexPrefix: String?
        @Option(name: .long, help: "PEM CA bundle for a server with a private CA.") var caFile: String?
        @Option(name: .long, help: "Seconds to wait for the answer.") var timeout = 60

        func run() async throws {
            // An empty variable counts as unset.
            let environment = ProcessInfo.processInfo.environment.filter { !$0.value.isEmpty }
            let password = self.password ?? environment["ADMIN_DASHBOARDS_PASSWORD"]
            let apiKey = self.apiKey ?? environment["ADMIN_DASHBOARDS_API_KEY"]
            let credentials: SavedObjectsImport.Credentials
            switch (user, password, apiKey) {
            case (nil, nil, nil): credentials = .none
            case (let user?, let password?, nil): credentials = .basic(user: user, password: password)
            case (nil, nil, let key?): credentials = .apiKey(key)
            case (_?, nil, nil): throw ValidationError("--user needs --password (or ADMIN_DASHBOARDS_PASSWORD)")
            case (nil, _?, nil): throw ValidationError("--password needs --user")
            default: throw ValidationError("give either --user/--password or --api-key, not both")
            }
            guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            let ndjson: [UInt8]
            var fileName = SavedObjectsBundle.fileName
            if let file {
                guard indexPrefix == nil else { throw ValidationError("--index-prefix applies to the built-in objects, not to --file") }
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read --file \(file)") }
                ndjson = Array(data)
                // The import API wants a `.ndjson` filename whatever the local file is called.
                let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                fileName = (base.isEmpty ? "objects" : base) + ".ndjson"
            } else {
                do {
                    let prefix = indexPrefix ?? environment["ADMIN_ELASTICSEARCH_INDEX_PREFIX"] ?? SavedObjectsBundle.defaultIndexPrefix
                    ndjson = try SavedObjectsBundle.ndjson(indexPrefix: prefix)
                } catch {
                    throw ValidationError(error.description)
                }
            }
            let request = SavedObjectsImport(baseURL: url, space: space, credentials: credentials, ndjson: ndjson,
                                             fileName: fileName, timeout: .seconds(timeout))
            if let problem = request.problem { throw ValidationError(problem) }

            let result: SavedObjectsImportResult
            do {
                result = try await request.run(caBundlePath: caFile)
            } catch {
                printError("admin dashboards install: error: \(error.description)")
                throw ExitCode.failure
            }
            let lines = result.report(into: request.displayURL)
            for line in lines.dropLast() { print(line) }
            if result.success && result.failed.isEmpty {
                print(lines.last ?? "")
            } else {
                printError("admin dashboards install: error: \(lines.last ?? "")")
                throw ExitCode.failure
            }
        }
    }
}

private func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
