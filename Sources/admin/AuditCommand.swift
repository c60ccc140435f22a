import AdminServer
import ArgumentParser
import ClientPostgres
import Foundation
import OperationsArea

/// `admin audit verify`: checks the operations audit's hash chain. Exit 0 and the row count when it
/// holds; exit 1 naming the first row that does not match (changed, removed or inserted behind the
/// hub's back, e.g. by a superuser with the table's triggers disabled).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The operations audit (hash-chained, append-only).", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the operations audit's hash chain; exit 1 at the first row that does not match.")

        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let database = try openDatabase(try loadConfiguration(options))
            let report = try await AuditVerification.run(database: database)
            await database.shutdown()
            if let problem = report.problem {
                print("operations audit: BROKEN at row \(report.badRowID.map(String.init) ?? "?"); \(report.verified) rows before it verified")
                print(problem)
                throw ExitCode(1)
            }
            print("operations audit: \(report.verified) rows verified, the chain is intact")
        }
    }
}
