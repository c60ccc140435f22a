import ClientPostgres
import Foundation

/// Staff users in PostgreSQL (`staff_users`).
///
/// Reads are public. Changes are internal on purpose: they go through `UserAdministration`, which
/// checks the rules (password policy, the last admin) and writes the security-audit row in the same
/// transaction, so no code path can change an account without leaving a record.
public final class UserStore: Sendable {
    let database: PostgresClient
    let clock: IdentityClock

    public init(database: PostgresClient, clock: IdentityClock = .system) {
        self.database = database
        self.clock = clock
    }

    // MARK: Reads

    public func user(id: Int64) async throws -> StaffUser? {
        try await user(id: id, on: database)
    }

    /// Looks an address up without regard to case or surrounding spaces.
    public func user(email: String) async throws -> StaffUser? {
        let rows = try await database.query("SELECT \(Self.columns) FROM staff_users u WHERE lower(u.email) = $1",
                                            [EmailAddress.lookupKey(email)])
        return try rows.first.map(Self.user(from:))
    }

    /// Every user, by e-mail.
    public func list(includeDisabled: Bool = true) async throws -> [StaffUser] {
        let rows = try await database.query(
            "SELECT \(Self.columns) FROM staff_users u \(includeDisabled ? "" : "WHERE NOT u.disabled ") ORDER BY u.email", [])
        return try rows.map(Self.user(from:))
    }

    // MARK: Changes (through UserAdministration)

    func user(id: Int64, on db: any SQLExecutor) async throws -> StaffUser? {
        let rows = try await db.query("SELECT \(Self.columns) FROM staff_users u WHERE u.id = $1", [String(id)])
        return try rows.first.map(Self.user(from:))
    }

    /// The account and its password hash, for the credential check only.
    func credentials(email: String) async throws -> (user: StaffUser, passwordHash: String?)? {
        let rows = try await database.query(
            "SELECT \(Self.columns), u.password_hash FROM staff_users u WHERE lower(u.email) = $1", [EmailAddress.lookupKey(email)])
        guard let row = rows.first else { return nil }
        return (try Self.user(from: row), try row.string("password_hash"))
    }

    func passwordHash(id: Int64) async throws -> String? {
        try await database.query("SELECT password_hash FROM staff_users WHERE id = $1", [String(id)]).first?.string("password_hash")
    }

    func create(email: String, displayName: String, roles: Set<Role>, telegramUserID: Int64?, passwordHash: String?,
                on db: any SQLExecutor) async throws -> StaffUser {
        let email = try EmailAddress.normalize(email)
        guard !roles.isEmpty else { throw AccountError.noRoles }
        let now = SQLTime.parameter(clock.now())
        do {
            let rows = try await db.query(
                """
                INSERT INTO staff_users AS u (email, display_name, roles, telegram_user_id, password_hash, password_changed_at, created_at, updated_at)
                VALUES ($1, $2, string_to_array($3, ','), $4::bigint, $5::text,
                        CASE WHEN $5::text IS NULL THEN NULL ELSE to_timestamp($6::float8) END, to_timestamp($6::float8), to_timestamp($6::float8))
                RETURNING \(Self.columns)
                """,
                [email, displayName, roles.storedForm, telegramUserID.map(String.init), passwordHash, now])
            guard let row = rows.first else { throw IdentityError.unexpectedDatabaseAnswer("INSERT INTO staff_users returned no row") }
            return try Self.user(from: row)
        } catch let error as PostgresError {
            throw Self.translate(error, email: email, telegramUserID: telegramUserID)
        }
    }

    func setRoles(id: Int64, roles: Set<Role>, on db: any SQLExecutor) async throws -> StaffUser? {
        guard !roles.isEmpty else { throw AccountError.noRoles }
        return try await update(id: id, set: "roles = string_to_array($2, ',')", [roles.storedForm], on: db)
    }

    func setDisabled(id: Int64, _ disabled: Bool, on db: any SQLExecutor) async throws -> StaffUser? {
        try await update(id: id, set: "disabled = $2::boolean", [disabled ? "true" : "false"], on: db)
    }

    /// Stores a new hash. `changed` false is a cost upgrade of the same password: `password_changed_at` stays.
    func setPasswordHash(id: Int64, hash: String, changed: Bool, on db: any SQLExecutor) async throws -> StaffUser? {
        try await update(
            id: id,
            set: changed ? "password_hash = $2, password_changed_at = to_timestamp($3::float8)" : "password_hash = $2",
            changed ? [hash, SQLTime.parameter(clock.now())] : [hash], on: db)
    }

    func setProfile(id: Int64, displayName: String, telegramUserID: Int64?, on db: any SQLExecutor) async throws -> StaffUser? {
        do {
            return try await update(id: id, set: "display_name = $2, telegram_user_id = $3::bigint",
                                    [displayName, telegramUserID.map(String.init)], on: db)
        } catch let error as PostgresError {
            throw Self.translate(error, email: "", telegramUserID: telegramUserID)
        }
    }

    /// Enabled users holding the admin role.
    func enabledAdminCount(on db: any SQLExecutor) async throws -> Int {
        try await db.query("SELECT count(*) AS n FROM staff_users WHERE NOT disabled AND 'admin' = ANY (roles)", []).first?.int("n") ?? 0
    }

    /// `assignments` use `$2...`; `$1` is the id; `updated_at` is set from the clock.
    private func update(id: Int64, set assignments: String, _ values: [String?], on db: any SQLExecutor) async throws -> StaffUser? {
        let clockParameter = "$\(values.count + 2)"
        let rows = try await db.query(
            """
            UPDATE staff_users AS u SET \(assignments), updated_at = to_timestamp(\(clockParameter)::float8)
            WHERE u.id = $1 RETURNING \(Self.columns)
            """,
            [String(id)] + values + [SQLTime.parameter(clock.now())])
        return try rows.first.map(Self.user(from:))
    }

    // MARK: Rows

    /// The user columns of `staff_users u`, named `user_*` so they can sit beside a session's or a token's.
    static let columns = [
        "u.id AS user_id", "u.email AS user_email", "u.display_name AS user_display_name",
        "array_to_string(u.roles, ',') AS user_roles", "u.telegram_user_id AS user_telegram_user_id",
        "u.disabled AS user_disabled", "(u.password_hash IS NOT NULL) AS user_has_password",
        SQLTime.select("u.password_changed_at", as: "user_password_changed_at"),
        SQLTime.select("u.created_at", as: "user_created_at"), SQLTime.select("u.updated_at", as: "user_updated_at"),
    ].joined(separator: ", ")

    static func user(from row: PostgresRow) throws -> StaffUser {
        guard let id = try row.int64("user_id"), let email = try row.string("user_email") else {
            throw IdentityError.unexpectedDatabaseAnswer("a staff_users row without id or e-mail")
        }
        return StaffUser(
            id: id, email: email, displayName: try row.string("user_display_name") ?? "",
            // A role name this build does not know (written by a newer one) grants nothing here.
            roles: Set((try row.string("user_roles") ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) }),
            telegramUserID: try row.int64("user_telegram_user_id"),
            isDisabled: try row.bool("user_disabled") ?? true,
            hasPassword: try row.bool("user_has_password") ?? false,
            passwordChangedAt: try row.date("user_password_changed_at"),
            createdAt: try row.date("user_created_at") ?? Date(timeIntervalSince1970: 0),
            updatedAt: try row.date("user_updated_at") ?? Date(timeIntervalSince1970: 0))
    }

    static func translate(_ error: PostgresError, email: String, telegramUserID: Int64?) -> any Error {
        guard error.isUniqueViolation else { return error }
        switch error.constraint {
        case "staff_users_email_key": return AccountError.emailTaken(email)
        case "staff_users_telegram_user_id_key": return AccountError.telegramUserIDTaken(telegramUserID ?? 0)
        default: return error
        }
    }
}
