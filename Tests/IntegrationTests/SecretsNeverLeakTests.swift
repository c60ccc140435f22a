import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Every secret a deployment hands the hub (store credentials, the staff password, ingest and
/// personal tokens) and every secret inside shipped events must never appear in what the hub
/// prints or logs, in `admin check-config`, or in the public `/readyz`.
final class SecretsNeverLeakTests: StaffTestCase {
    static let esPassword = "Es-Secret-Pw-4242"
    static let mongoPassword = "Mongo-Secret-Pw-77"
    static let eventPassword = "Event-Secret-Pw-1"
    static let eventDSNPassword = "Dsn-Secret-Pw-2"
    static let card = "4111111111111111"

    func testNoSecretAppearsInLogsCLIOutputOrReadiness() async throws {
        // A MongoDB that is not there: its connection errors get logged, with the URI's password masked.
        let secrets = [
            "ADMIN_ELASTICSEARCH_USERNAME": "elastic",
            "ADMIN_ELASTICSEARCH_PASSWORD": Self.esPassword,
            "ADMIN_MONGODB_URI": "mongodb://archiver:\(Self.mongoPassword)@127.0.0.1:\(freeLocalPort())/?serverSelectionTimeoutMS=300&connectTimeoutMS=300",
            "ADMIN_LOG_LEVEL": "debug",
            "ADMIN_SELF_INGEST": "true",
        ]
        let hub = try await startHub(mongo: true, elasticsearch: true, extra: Self.fastHashing.merging(secrets) { $1 })
        try createUser("keeper@leak.test", roles: ["admin"])
        let ingestToken = try createToken()
        let personal = try personalToken("keeper@leak.test")

        var printed = ""
        printed += try cli(["check-config"], environment: secrets)
        let body = #"{"message":"payment failed","password":"\#(Self.eventPassword)","#
            + #""dsn":"postgres://u:\#(Self.eventDSNPassword)@db.internal/core","extra":{"deep":{"cc":"\#(Self.card)"}}}"#
        let accepted = try await post(hub, body: Array(body.utf8), token: ingestToken)
        XCTAssertEqual(accepted.status, 202, accepted.bodyText)
        _ = try await post(hub, body: Array(body.utf8), token: ingestToken + "x")
        let wrong = try await login(hub, "keeper@leak.test", password: "not-the-password-at-all")
        XCTAssertEqual(wrong.response.status, 401)
        _ = try await signIn(hub, "keeper@leak.test")
        let status = try await send(hub, .get, "/api/v1/status", as: StaffClient(bearer: personal))
        XCTAssertEqual(status.status, 200, status.bodyText)
        let readyz = try await get(hub.baseURL + "/readyz")
        printed += readyz.bodyText
        XCTAssertFalse(readyz.bodyText.contains("127.0.0.1"), "the public /readyz must not name hosts: \(readyz.bodyText)")
        XCTAssertFalse(readyz.bodyText.contains("archiver"), "the public /readyz must not name users: \(readyz.bodyText)")

        try await eventually("the event is in Elasticsearch") { try await elasticsearchCount() >= 1 }
        try await eventually("MongoDB's outage was logged") { hub.tailOfLog(1 << 20).contains("mongodb") }
        hub.stop()
        let logged = (try? String(contentsOfFile: hub.logPath, encoding: .utf8)) ?? ""
        let everything = printed + logged
        for secret in [Self.esPassword, Self.mongoPassword, StaffTestCase.password, ingestToken, personal,
                       Self.eventPassword, Self.eventDSNPassword, Self.card] {
            XCTAssertFalse(everything.contains(secret), "a secret leaked into the hub's output: …\(Self.around(secret, in: everything))…")
        }
        // The stored event has every secret masked too.
        let stored = try await elasticsearchSearch(["match_all": [:]])
        let storedText = String(decoding: JSONValue.array(stored).serialized(), as: UTF8.self)
        for secret in [Self.eventPassword, Self.eventDSNPassword, Self.card] {
            XCTAssertFalse(storedText.contains(secret), "a secret was stored: \(storedText)")
        }
    }

    static func around(_ secret: String, in text: String) -> String {
        guard let range = text.range(of: secret) else { return "" }
        let start = text.index(range.lowerBound, offsetBy: -120, limitedBy: text.startIndex) ?? text.startIndex
        let end = text.index(range.upperBound, offsetBy: 120, limitedBy: text.endIndex) ?? text.endIndex
        return String(text[start..<end])
    }
}
