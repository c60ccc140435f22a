@testable import Identity
import XCTest

/// In a class (and so a database) of its own: it counts every admin there is.
final class LastAdminTests: IdentityDatabaseTestCase {
    func testTheLastEnabledAdminCanBeNeitherDisabledNorDemoted() async throws {
        let support = try await makeUser([.support])
        _ = try await services.administration.setRoles(userID: support.id, roles: [.oncall], by: .cli)  // no admin yet: allowed

        let admin = try await makeUser([.admin])
        for attempt in ["disable", "demote"] {
            do {
                if attempt == "disable" {
                    _ = try await services.administration.disable(userID: admin.id, by: .cli)
                } else {
                    _ = try await services.administration.setRoles(userID: admin.id, roles: [.support], by: .cli)
                }
                XCTFail("\(attempt) of the last admin must be refused")
            } catch let error as AccountError {
                XCTAssertEqual(error, .lastAdmin, attempt)
            }
        }
        let unchanged = try await services.users.user(id: admin.id)
        XCTAssertEqual(unchanged?.roles, [.admin])
        XCTAssertEqual(unchanged?.isDisabled, false)
        let audited = try await services.audit.list(SecurityAuditFilter(actions: [.userDisabled, .rolesChanged], target: admin.email))
        XCTAssertTrue(audited.entries.isEmpty, "a refused change leaves no audit row")

        let second = try await makeUser([.admin, .manager])
        let demoted = try await services.administration.setRoles(userID: admin.id, roles: [.support], by: .cli)
        XCTAssertEqual(demoted.roles, [.support], "with another admin it is allowed")
        do {
            _ = try await services.administration.disable(userID: second.id, by: .cli)
            XCTFail("now the second one is the last")
        } catch let error as AccountError {
            XCTAssertEqual(error, .lastAdmin)
        }
    }
}
