import AdminServer
import ArgumentParser
import Identity

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage ingest tokens (one per shipping service).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; prints the secret alone on the last line (shown once).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Service the token ships logs for (default service.name of its events).") var service: String
        @Option(help: "Scope: ingest (the default and only one; staff use personal tokens).") var scope: [String] = []
        @Option(help: "Free text, e.g. who asked for it.") var description: String = ""

        func run() async throws {
            let scopes = try (scope.isEmpty ? ["ingest"] : scope).map { name -> TokenScope in
                guard let scope = TokenScope(rawValue: name) else {
                    throw ValidationError("unknown scope '\(name)'; use one of: \(TokenScope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return scope
            }
            let (store, identity) = try await tokenStores(options)
            let (token, secret) = try await store.create(service: service, scopes: scopes, description: description)
            try await identity.administration.recordIngestTokenCreated(token, by: .cli)
            print("created token \(token.id) for service '\(token.service)' (scopes: \(token.scopes.joined(separator: ",")))")
            print("store it now; it cannot be shown again:")
            print(secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never their secrets).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let tokens = try await tokenStore(options).list()
            print("ID\tSERVICE\tSCOPES\tPREFIX\tCREATED\tREVOKED\tDESCRIPTION")
            for t in tokens {
                print("\(t.id)\t\(t.service)\t\(t.scopes.joined(separator: ","))\t\(t.prefix)…\t\(t.createdAt)\t\(t.revokedAt ?? "-")\t\(t.description)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id; requests with it get 403 within the token cache interval.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "Token id (see 'admin token list').") var id: Int64

        func run() async throws {
            let (store, identity) = try await tokenStores(options)
            guard let token = try await store.revoke(id: id) else {
                throw ValidationError("no token with id \(id); see 'admin token list'")
            }
            try await identity.administration.recordIngestTokenRevoked(token, by: .cli)
            print("revoked token \(token.id) of service '\(token.service)'")
        }
    }
}

func tokenStore(_ options: GlobalOptions) async throws -> IngestTokenStore {
    let configuration = try loadConfiguration(options)
    let database = try openDatabase(configuration)
    try await Hub.migrate(database: database, logger: cliLogger())
    return IngestTokenStore(database: database, logger: cliLogger())
}

/// The ingest token store and the identity area (for the audit rows of creations and revocations).
func tokenStores(_ options: GlobalOptions) async throws -> (IngestTokenStore, IdentityServices) {
    let configuration = try loadConfiguration(options)
    let database = try openDatabase(configuration)
    try await Hub.migrate(database: database, logger: cliLogger())
    return (IngestTokenStore(database: database, logger: cliLogger()),
            try IdentityServices(database: database, configuration: configuration.identity, logger: cliLogger()))
}
