import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest
import ClientMongo

/// Invariant 5: every event the intake accepts is stored, exactly once, in both stores, and both
/// read its keys back the same way (ingest/README.md, "Keys"). A randomly mutated body once gave
/// `"attributes":{"":{…}}`: answered 202, stored in Elasticsearch, refused by MongoDB.
final class StorableKeysTests: HubTestCase {
    private static let longKey = String(repeating: "k", count: 300)

    /// Each event's client id, body, and paths (dotted, with the stored keys) that must hold the given value.
    private static let cases: [(id: String, body: String, expect: [([String], JSONValue)])] = [
        ("keys-empty", #"{"event.id":"keys-empty","":"v","attributes":{"":{"":1}}}"#,
         [(["labels", "_"], "v"), (["attributes", "_", "_"], 1)]),
        ("keys-dots", #"{"event.id":"keys-dots","a.b":"x","ctx":{"c.d":{"e.f":1}}}"#,
         [(["labels", "a_b"], "x"), (["attributes", "ctx", "c_d", "e_f"], 1)]),
        ("keys-dots-then-scalars", #"{"event.id":"keys-dots-then-scalars","a":"scalar","ctx":[1,"two"]}"#,
         [(["labels", "a"], "scalar"), (["attributes", "ctx"], [1, "two"])]),
        ("keys-dollar", #"{"event.id":"keys-dollar","$set":"v","q":{"$gt":1,"a$":2}}"#,
         [(["labels", "_set"], "v"), (["attributes", "q", "_gt"], 1), (["attributes", "q", "a$"], 2)]),
        ("keys-control", #"{"event.id":"keys-control","o":{"a\u0000b":1,"c\nd":2,"e\u007f":3}}"#,
         [(["attributes", "o", "a_b"], 1), (["attributes", "o", "c_d"], 2), (["attributes", "o", "e_"], 3)]),
        ("keys-collide", #"{"event.id":"keys-collide","o":{"x_y":1,"x.y":2}}"#,
         [(["attributes", "o", "x_y"], 1), (["event", "dropped_keys"], 1)]),
        ("keys-long", #"{"event.id":"keys-long","o":{"\#(longKey)":1}}"#, []),
        ("keys-secrets", #"{"event.id":"keys-secrets","note":"pan=4111111111111111","extra":{"deep":{"cc":"4111111111111111"}},"dsn":"postgres://u:secretpw@h/db"}"#,
         [(["labels", "note"], "pan=411111******1111"), (["attributes", "extra", "deep", "cc"], "411111******1111"),
          (["labels", "dsn"], "postgres://u:[REDACTED]@h/db")]),
    ]

    func testEventsWithAwkwardKeysAreStoredOnceInBothStoresWithTheSameKeys() async throws {
        let hub = try await startHub()
        let token = try createToken(service: "core")
        let body = Self.cases.map(\.body).joined(separator: "\n")
        let response = try await post(hub, body: Array(body.utf8), token: token)
        XCTAssertEqual(response.status, 202, response.bodyText)
        XCTAssertEqual(try json(response)["accepted"], .int(Int64(Self.cases.count)), response.bodyText)

        let pool = try mongoPool()
        try await eventually("every event in MongoDB") { try await mongoCount(pool) == Self.cases.count }
        try await eventually("every event in Elasticsearch") { try await elasticsearchCount() == Self.cases.count }

        for (id, _, expect) in Self.cases {
            let inMongo = try await pool.find(database: mongoDatabase, collection: "logs", filter: ["_id": .string(id)], limit: 10)
            let inElasticsearch = try await elasticsearchSearch(["ids": ["values": [.string(id)]]])
            XCTAssertEqual(inMongo.count, 1, "\(id) once in MongoDB")
            XCTAssertEqual(inElasticsearch.count, 1, "\(id) once in Elasticsearch")
            let mongo = try XCTUnwrap(inMongo.first), source = try XCTUnwrap(inElasticsearch.first?["_source"])
            for (path, value) in expect {
                XCTAssertEqual(Self.value(at: path, in: mongo), value, "\(id): \(path) in MongoDB")
                XCTAssertEqual(Self.value(at: path, in: source), value, "\(id): \(path) in Elasticsearch")
            }
            // Both stores hold the same labels and attributes, key for key.
            for part in ["labels", "attributes"] {
                XCTAssertEqual(mongo[part], source[part], "\(id): \(part) differ between the stores")
            }
        }

        let longEvent = try await elasticsearchSearch(["ids": ["values": ["keys-long"]]])
        let longKeys = try XCTUnwrap(longEvent.first?["_source"]?["attributes"]?["o"]?.objectValue?.keys)
        XCTAssertEqual(longKeys.count, 1)
        XCTAssertEqual(longKeys.first?.utf8.count, 128, "a key over 128 bytes is shortened with a hash suffix")
    }

    private static func value(at path: [String], in document: JSONValue) -> JSONValue? {
        var node: JSONValue? = document
        for key in path { node = node?[key] }
        return node
    }
}
