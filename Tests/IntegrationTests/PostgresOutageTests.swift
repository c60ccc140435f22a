import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// PostgreSQL going away for 30 s while services ship logs: the hub reaches it through a relay the
/// test cuts, so the shared stand-in keeps running for everyone else.
final class PostgresOutageTests: HubTestCase {
    func testIntakeRidesOutThirtySecondsWithoutPostgreSQL() async throws {
        let (host, port) = try XCTUnwrap(Self.hostAndPort(of: databaseURL), "cannot read host:port from \(databaseURL)")
        let relay = try await TCPForwarder.start(to: host, port: port)
        let relayedURL = databaseURL.replacingOccurrences(of: "@\(host):\(port)/", with: "@127.0.0.1:\(relay.port)/")
        XCTAssertNotEqual(relayedURL, databaseURL)
        let hub = try await startHub(extra: ["ADMIN_DATABASE_URL": relayedURL])

        let known = try createToken(service: "core")
        var sent = 0
        let warmUp = try await post(hub, body: ndjson(10, idPrefix: "before", start: 0), token: known)
        XCTAssertEqual(warmUp.status, 202, warmUp.bodyText)
        sent += 10

        relay.cut()
        let outageEnds = ContinuousClock.now + .seconds(30)
        // Created while the hub cannot see the database: it has never been in the hub's cache.
        let newcomer = try createToken(service: "gate")
        try await eventually("readyz says the database is unavailable") {
            try json(try await get(hub.baseURL + "/readyz"))["database"]?["state"]?.stringValue == "unavailable"
        }
        var batch = 0
        while ContinuousClock.now < outageEnds {
            let cached = try await post(hub, body: ndjson(20, idPrefix: "during", start: batch * 20), token: known)
            XCTAssertEqual(cached.status, 202, "a cached token must keep working while PostgreSQL is away: \(cached.bodyText)")
            if cached.status == 202 { sent += 20 }
            let fresh = try await post(hub, body: ndjson(1, idPrefix: "refused", start: batch), token: newcomer)
            XCTAssertEqual(fresh.status, 503, "an uncached token cannot be checked: \(fresh.bodyText)")
            XCTAssertEqual(try json(fresh)["error"]?.stringValue, "auth_unavailable")
            XCTAssertNotNil(fresh.headers["Retry-After"], "503 must say when to retry")
            batch += 1
            try await Task.sleep(for: .seconds(3))
        }
        relay.restore()

        try await eventually("the new token works once PostgreSQL is back") {
            try await post(hub, body: ndjson(5, idPrefix: "after", start: 0), token: newcomer).status == 202
        }
        sent += 5
        let expected = sent
        let pool = try mongoPool()
        try await eventually(timeout: .seconds(90), "every accepted event in both stores, once") {
            let (archived, indexed) = (try await mongoCount(pool), try await elasticsearchCount())
            return archived == expected && indexed == expected
        }
        try await Task.sleep(for: .seconds(2))
        let archivedTotal = try await mongoCount(pool)
        let indexedTotal = try await elasticsearchCount()
        XCTAssertEqual(archivedTotal, expected, "nothing stored twice in MongoDB")
        XCTAssertEqual(indexedTotal, expected, "nothing stored twice in Elasticsearch")
        let readiness = try json(try await get(hub.baseURL + "/readyz"))
        XCTAssertEqual(readiness["database"]?["state"]?.stringValue, "ready")
        await relay.stop()
    }

    /// `postgresql://user:pw@host:port/db` → (host, port).
    static func hostAndPort(of url: String) -> (String, Int)? {
        guard let at = url.lastIndex(of: "@") else { return nil }
        let rest = url[url.index(after: at)...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...]) else { return nil }
        return (String(authority[..<colon]), port)
    }
}
