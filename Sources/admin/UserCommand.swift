import AdminServer
import ArgumentParser
import Foundation
import Identity
import HubKit

/// `admin user ...`: staff accounts from the command line. Every change is recorded in the
/// security audit with the actor `cli`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts (roles: support, oncall, manager, senior_manager, admin).",
        subcommands: [Create.self, List.self, SetRoles.self, SetTelegram.self, Disable.self, Enable.self, Passwd.self, Unlock.self, Token.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a user. The password comes from ADMIN_USER_PASSWORD or is asked for at a terminal; with neither, a one-time set-password link is printed.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "E-mail address (the sign-in name; unique regardless of case).") var email: String
        @Option(help: "Role; repeat for several.") var role: [String]
        @Option(help: "Display name.") var name: String = ""

        func run() async throws {
            let roles = try parseRoles(role)
            let (configuration, identity) = try await openIdentity(options)
            let password = try newPassword()
            let created = try await identity.administration.createUser(email: email, displayName: name, roles: roles, password: password,
                                                                       by: .cli)
            print("created user \(created.user.id) \(created.user.email) (roles: \(created.user.rolesText))")
            if let link = created.setPasswordLink {
                print("no password given: send this one-time set-password link (valid until \(link.expiresAt.ISO8601Format())):")
                print("\(configuration.core.publicBaseURL)/set-password?token=\(link.token)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            let (_, identity) = try await openIdentity(options)
            print("ID\tEMAIL\tROLES\tSTATE\tNAME")
            for user in try await identity.users.list() {
                let state = user.isDisabled ? "disabled" : (user.hasPassword ? "active" : "no-password")
                print("\(user.id)\t\(user.email)\t\(user.rolesText)\t\(state)\t\(user.displayName)")
            }
        }
    }

    struct SetRoles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-roles", abstract: "Replace a user's roles.")
        @OptionGroup var options: GlobalOptions
        @Option var email: String
        @Option(help: "Role; repeat for several.") var role: [String]

        func run() async throws {
            let roles = try parseRoles(role)
            let (_, identity) = try await openIdentity(options)
            let user = try await existingUser(identity, email: email)
            let changed = try await identity.administration.setRoles(userID: user.id, roles: roles, by: .cli)
            print("\(changed.email): roles \(changed.rolesText)")
        }
    }

    /// Links a Telegram user to a staff account, so their alert buttons work (alerting area).
    struct SetTelegram: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-telegram", abstract: "Link a Telegram user id to a user (for the alert buttons); 0 unlinks.")
        @OptionGroup var options: GlobalOptions
        @Option var email: String
        @Option(name: .customLong("telegram-id"), help: "The Telegram user id (from.id); 0 removes the link.") var telegramID: Int64

        func run() async throws {
            guard telegramID >= 0 else { throw ValidationError("--telegram-id must be a positive number, or 0 to unlink") }
            let (_, identity) = try await openIdentity(options)
            let user = try await existingUser(identity, email: email)
            let changed = try await identity.administration.updateProfile(
                userID: user.id, displayName: user.displayName, telegramUserID: telegramID == 0 ? nil : telegramID, by: .cli)
            print("\(changed.email): telegram user id \(changed.telegramUserID.map(String.init) ?? "none")")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: sessions end and tokens stop working at once.")
        @OptionGroup var options: GlobalOptions
        @Option var email: String

        func run() async throws {
            let (_, identity) = try await openIdentity(options)
            let user = try await existingUser(identity, email: email)
            _ = try await identity.administration.disable(userID: user.id, by: .cli)
            print("disabled \(user.email)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @OptionGroup var options: GlobalOptions
        @Option var email: String

        func run() async throws {
            let (_, identity) = try await openIdentity(options)
            let user = try await existingUser(identity, email: email)
            _ = try await identity.administration.enable(userID: user.id, by: .cli)
            print("enabled \(user.email)")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (ADMIN_USER_PASSWORD or typed); with neither, print a one-time set-password link. Ends their sessions.")
        @OptionGroup var options: GlobalOptions
        @Option var email: String

        func run() async throws {
            let (configuration, identity) = try await openIdentity(options)
            let user = try await existingUser(identity, email: email)
            if let password = try newPassword() {
                _ = try await identity.administration.setPassword(userID: user.id, newPassword: password, by: .cli)
                print("password of \(user.email) changed; their sessions were ended")
            } else {
                let link = try await identity.administration.createResetLink(userID: user.id, by: .cli)
                print("send this one-time set-password link (valid until \(link.expiresAt.ISO8601Format())):")
                print("\(configuration.core.publicBaseURL)/set-password?token=\(link.token)")
            }
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a lock-out after too many failed sign-ins.")
        @OptionGroup var options: GlobalOptions
        @Option var email: String

        func run() async throws {
            let (_, identity) = try await openIdentity(options)
            let wasLocked = try await identity.administration.unlock(email: email, by: .cli)
            print(wasLocked ? "unlocked \(EmailAddress.lookupKey(email))" : "\(EmailAddress.lookupKey(email)) was not locked; failure count cleared")
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Personal API tokens (Authorization: Bearer dmp_pat_...).",
                                                        subcommands: [Create.self, Revoke.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a personal token; prints the secret alone on the last line (shown once).")
            @OptionGroup var options: GlobalOptions
            @Option var email: String
            @Option(help: "Permission the token carries (e.g. logs.read); repeat for several. Default: all the user's permissions.")
            var scope: [String] = []
            @Option(help: "Lifetime, e.g. 30d, 12h. Default: no expiry.") var expires: String?
            @Option(help: "A name to recognise the token by.") var name: String = "cli"

            func run() async throws {
                var scopes: Set<Permission>?
                if !scope.isEmpty {
                    scopes = try Set(scope.flatMap { $0.split(separator: ",") }.map { name -> Permission in
                        guard let permission = Permission(name: String(name)) else {
                            throw ValidationError(AccountError.unknownPermission(String(name)).description)
                        }
                        return permission
                    })
                }
                let expiresAt = try expires.map { Date().addingTimeInterval(try parseDuration($0)) }
                let (_, identity) = try await openIdentity(options)
                let user = try await existingUser(identity, email: email)
                let (token, secret) = try await identity.administration.createPersonalToken(
                    userID: user.id, name: name, scopes: scopes, expiresAt: expiresAt, by: .cli)
                print("created personal token \(token.id) for \(user.email) (scopes: \(token.scopes.sorted().map(\.rawValue).joined(separator: ",")))"
                      + (expiresAt.map { ", expires \($0.ISO8601Format())" } ?? ""))
                print("store it now; it cannot be shown again:")
                print(secret)
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a personal token by id.")
            @OptionGroup var options: GlobalOptions
            @Argument(help: "Token id.") var id: Int64

            func run() async throws {
                let (_, identity) = try await openIdentity(options)
                let token = try await identity.administration.revokePersonalToken(id: id, by: .cli)
                print("revoked personal token \(token.id) (\(token.prefix)…)")
            }
        }
    }
}
