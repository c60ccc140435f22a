import ClientPostgres
import Foundation
import Identity
import Logging
import Synchronization
import TestSupport
import XCTest

/// Base of the tests that need PostgreSQL (`ADMIN_TEST_DATABASE_URL`; skipped when unset). Each test
/// class gets a fresh database with `IdentitySchema.migrations` applied, dropped when the class ends;
/// tests in one class share it, so they use addresses of their own (`uniqueEmail`).
class IdentityDatabaseTestCase: XCTestCase {
    /// Test class name → database name.
    private static let databases = Mutex<[String: String]>([:])

    var database: PostgresClient!
    let clock = TestClock()
    var services: IdentityServices!

    /// Tests use cost 10 (the lowest production allows) to keep the run short.
    static let testBcryptCost = 10

    override func setUp() async throws {
        try await super.setUp()
        let base = try StandIns.requirePostgres()
        let name = try await Self.classDatabase(base: base)
        database = try PostgresClient(url: TestDatabase.url(base, database: name), poolSize: 4)
        services = try makeServices()
    }

    override func tearDown() async throws {
        await database?.shutdown()
        database = nil
        services = nil
        try await super.tearDown()
    }

    override class func tearDown() {
        let key = String(describing: self)
        if let name = databases.withLock({ $0.removeValue(forKey: key) }), let base = StandIns.postgresURL {
            let done = DispatchSemaphore(value: 0)
            Task {
                await TestDatabase.drop(name, base: base)
                done.signal()
            }
            done.wait()
        }
        super.tearDown()
    }

    /// Services over this class's database with the test clock; override parts with `configure`.
    func makeServices(_ configure: (inout IdentityConfiguration) -> Void = { _ in }) throws -> IdentityServices {
        var configuration = IdentityConfiguration(bcryptCost: Self.testBcryptCost)
        configure(&configuration)
        var logger = Logger(label: "identity-tests")
        logger.logLevel = .error  // one info line per audit row would drown the test output
        return try IdentityServices(database: database, configuration: configuration, clock: clock.identityClock, logger: logger)
    }

    /// An address no other test in the class uses.
    func uniqueEmail(_ local: String = "staff") -> String {
        "\(local).\(UInt32.random(in: 0...UInt32.max))@example.test"
    }

    static let goodPassword = "violet-tundra-marching-42"

    /// Creates an enabled user with `goodPassword` (or `password`) through the audited path.
    @discardableResult
    func makeUser(_ roles: Set<Role>, email: String? = nil, password: String? = goodPassword) async throws -> StaffUser {
        try await services.administration.createUser(email: email ?? uniqueEmail(), roles: roles, password: password, by: .cli).user
    }

    /// Signs in and returns the success, failing the test otherwise.
    func signIn(_ email: String, password: String = goodPassword, ip: String = "192.0.2.10",
                file: StaticString = #filePath, line: UInt = #line) async throws -> LoginSuccess {
        let result = await services.authenticator.login(email: email, password: password, clientIP: ip, userAgent: "tests")
        guard case .success(let success) = result else {
            XCTFail("login of \(email) gave \(result), not success", file: file, line: line)
            throw LoginFailed()
        }
        return success
    }

    private static func classDatabase(base: String) async throws -> String {
        let key = String(describing: self)
        if let existing = databases.withLock({ $0[key] }) { return existing }
        let name = StandIns.uniqueName("identity")
        try await TestDatabase.create(name, base: base)
        databases.withLock { $0[key] = name }
        return name
    }
}

struct LoginFailed: Error {}

extension Result where Failure == any Error {
    /// Captures an async throwing body's outcome, so clean-up can run before it is rethrown.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
