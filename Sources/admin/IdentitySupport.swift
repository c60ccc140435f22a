import AdminServer
import ArgumentParser
import Foundation
import Identity

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The configuration and the identity area over the configured PostgreSQL, schema applied.
func openIdentity(_ options: GlobalOptions) async throws -> (HubConfiguration, IdentityServices) {
    let configuration = try loadConfiguration(options)
    let database = try openDatabase(configuration)
    try await Hub.migrate(database: database, logger: cliLogger())
    return (configuration, try IdentityServices(database: database, configuration: configuration.identity, logger: cliLogger()))
}

/// The user with that e-mail, or a validation error that says how to list users.
func existingUser(_ identity: IdentityServices, email: String) async throws -> StaffUser {
    guard let user = try await identity.users.user(email: email) else {
        throw ValidationError("no staff user with the e-mail \(email); see 'admin user list'")
    }
    return user
}

func parseRoles(_ names: [String]) throws -> Set<Role> {
    let roles = try Set(names.flatMap { $0.split(separator: ",") }.map { name -> Role in
        guard let role = Role(name: String(name)) else { throw ValidationError(AccountError.unknownRole(String(name)).description) }
        return role
    })
    guard !roles.isEmpty else { throw ValidationError(AccountError.noRoles.description) }
    return roles
}

/// A new password from `ADMIN_USER_PASSWORD`, or typed twice at a terminal (not echoed); nil when
/// there is neither (the caller then prints a one-time set-password link).
func newPassword() throws -> String? {
    if let password = ProcessInfo.processInfo.environment["ADMIN_USER_PASSWORD"], !password.isEmpty { return password }
    guard isatty(STDIN_FILENO) == 1 else { return nil }
    guard let first = readSecret("New password: "), let second = readSecret("Again: ") else { return nil }
    guard first == second else { throw ValidationError("the two passwords differ") }
    return first
}

/// Reads a line from the terminal with echo off.
func readSecret(_ prompt: String) -> String? {
    FileHandle.standardError.write(Data(prompt.utf8))
    var saved = termios()
    tcgetattr(STDIN_FILENO, &saved)
    var silent = saved
    silent.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(STDIN_FILENO, TCSANOW, &silent)
    defer {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        FileHandle.standardError.write(Data("\n".utf8))
    }
    return readLine(strippingNewline: true)
}

/// `30d`, `12h`, `90m` -> seconds.
func parseDuration(_ text: String) throws -> TimeInterval {
    let units: [Character: Double] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
    guard let unit = text.last, let multiplier = units[unit], let count = Double(text.dropLast()), count > 0 else {
        throw ValidationError("'\(text)' is not a duration: use e.g. 30d, 12h or 90m")
    }
    return count * multiplier
}

extension StaffUser {
    var rolesText: String { roles.sorted().map(\.rawValue).joined(separator: ",") }
}
