import Foundation
@testable import Identity
import XCTest

final class RolePermissionTests: XCTestCase {
    /// The matrix as the issue states it; a change to `Role.permissions` must change this on purpose.
    private let expected: [Role: Set<Permission>] = [
        .support: [.logsRead],
        .oncall: [.logsRead, .alertsManage, .silencesManage],
        .manager: [.logsRead, .operationsRun],
        .seniorManager: [.logsRead, .operationsRun, .operationsApprove],
        .admin: Set(Permission.allCases),
    ]

    func testEachRoleGrantsExactlyItsPermissions() {
        for role in Role.allCases {
            XCTAssertEqual(role.permissions, expected[role], "\(role.rawValue)")
        }
    }

    func testEveryPermissionAndRoleIsDeniedWhereTheMatrixSaysSo() {
        for role in Role.allCases {
            for permission in Permission.allCases {
                XCTAssertEqual(Set([role]).allows(permission), expected[role]!.contains(permission),
                               "\(role.rawValue) × \(permission.rawValue)")
            }
        }
    }

    func testSeveralRolesAllowTheUnionOfTheirPermissions() {
        let roles: Set<Role> = [.support, .manager]
        XCTAssertTrue(roles.allows(.operationsRun))
        XCTAssertTrue(roles.allows(.logsRead))
        XCTAssertFalse(roles.allows(.operationsApprove))
        XCTAssertFalse(roles.allows(.silencesManage))
        XCTAssertEqual(roles.permissions, [.logsRead, .operationsRun])
        XCTAssertFalse(Set<Role>().allows(.logsRead), "no role, no permission")
    }

    func testDisabledUserHasNoPermissions() {
        let user = StaffUser(id: 1, email: "a@b.c", displayName: "", roles: [.admin], telegramUserID: nil, isDisabled: true,
                             hasPassword: true, passwordChangedAt: nil, createdAt: Date(), updatedAt: Date())
        XCTAssertTrue(user.permissions.isEmpty)
        XCTAssertFalse(user.allows(.logsRead))
    }

    func testRoleNamesParseAsPeopleTypeThem() {
        XCTAssertEqual(Role(name: "senior_manager"), .seniorManager)
        XCTAssertEqual(Role(name: "Senior-Manager"), .seniorManager)
        XCTAssertEqual(Role(name: "ADMIN"), .admin)
        XCTAssertNil(Role(name: "root"))
        XCTAssertEqual(Permission(name: "logs.read"), .logsRead)
        XCTAssertNil(Permission(name: "logs.write"))
    }

    func testDatabaseAcceptsExactlyTheRoleNames() {
        let accepted = IdentitySchema.roleNames.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " '")) }
        XCTAssertEqual(Set(accepted), Set(Role.allCases.map(\.rawValue)))
    }

    /// docs/permissions.md is what people read: it must say what the code does.
    func testPermissionsDocumentMatchesTheMatrix() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/permissions.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("| permission") })
        let columns = header.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        let roleColumns = try Role.allCases.map { role in try XCTUnwrap(columns.firstIndex(of: role.rawValue), "\(role.rawValue) column") }
        var documented: [Role: Set<Permission>] = [:]
        var rows = 0
        for line in lines where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let permission = try XCTUnwrap(Permission(rawValue: name), "unknown permission \(name) in the document")
            rows += 1
            for (role, column) in zip(Role.allCases, roleColumns) where cells[column] == "✓" {
                documented[role, default: []].insert(permission)
            }
        }
        XCTAssertEqual(rows, Permission.allCases.count, "one row per permission")
        for role in Role.allCases {
            XCTAssertEqual(documented[role] ?? [], role.permissions, "docs/permissions.md column \(role.rawValue)")
        }
    }
}
