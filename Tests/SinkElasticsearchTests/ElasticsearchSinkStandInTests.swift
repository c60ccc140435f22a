import Foundation
import LogModel
import SinkElasticsearch
import Sinks
import XCTest
import ClientHTTP

/// Against a real search server (osmem-server locally and in CI): what the sink stores and how.
final class ElasticsearchSinkStandInTests: XCTestCase {
    private var cluster: TestCluster!

    override func setUp() async throws {
        cluster = try TestCluster()
    }

    override func tearDown() async throws {
        await cluster?.cleanUp()
    }

    func testPrepareDetectsTheDistributionAndInstallsTheTemplate() async throws {
        let sink = cluster.sink()

        try await sink.prepare()

        let distribution = try XCTUnwrap(sink.distribution)
        let (status, value) = try await cluster.json(.get, "/_index_template/\(cluster.prefix)")
        XCTAssertEqual(status, 200)
        let templates = (value as? [String: Any])?["index_templates"] as? [[String: Any]]
        let template = try XCTUnwrap(templates?.first?["index_template"] as? [String: Any])
        XCTAssertEqual(template["index_patterns"] as? [String], ["\(cluster.prefix)-*"])
        XCTAssertEqual(template["priority"] as? Int, 500)
        let mappings = (template["template"] as? [String: Any])?["mappings"] as? [String: Any]
        let properties = try XCTUnwrap(mappings?["properties"] as? [String: Any])
        XCTAssertEqual((properties["@timestamp"] as? [String: Any])?["type"] as? String, "date")
        let dynamicTemplates = (mappings?["dynamic_templates"] as? [[String: Any]]) ?? []
        let labels = dynamicTemplates.compactMap { $0["labels_as_keyword"] as? [String: Any] }.first
        XCTAssertEqual(labels?["path_match"] as? String, "labels.*")
        XCTAssertEqual((labels?["mapping"] as? [String: Any])?["type"] as? String, "keyword")
        XCTAssertEqual((properties["attributes"] as? [String: Any])?["type"] as? String,
                       distribution.isOpenSearch ? "flat_object" : "flattened", "attributes mapping for \(distribution)")
    }

    func testEventsAreStoredWithTheContractShapeUnderTheirIDInTheDailyIndex() async throws {
        let sink = cluster.sink()
        try await sink.prepare()
        let lastMillisOfDay: Int64 = 1_795_651_199_999  // 2026-11-25T23:59:59.999Z
        let events = [
            TestEvents.event(millis: TestEvents.referenceMillis),
            TestEvents.event(millis: lastMillisOfDay),
            TestEvents.event(millis: lastMillisOfDay + 1),  // 2026-11-26T00:00:00.000Z
        ]

        let report = await sink.deliver(events)

        XCTAssertEqual(report.items, [.stored, .stored, .stored])
        let first = "\(cluster.prefix)-2026.11.25", second = "\(cluster.prefix)-2026.11.26"
        let indices = try await cluster.indices()
        XCTAssertEqual(indices, [first, second])
        XCTAssertEqual(sink.indexName(forTimestampMillis: lastMillisOfDay), first)
        for (event, index) in zip(events, [first, first, second]) {
            let stored = try await cluster.source(index: index, id: event.id)
            let sent = try JSONSerialization.jsonObject(with: Data(event.json)) as? [String: Any]
            XCTAssertEqual(stored.map { NSDictionary(dictionary: $0) }, sent.map { NSDictionary(dictionary: $0) },
                           "the stored _source is the document as sent")
        }
        let (_, mapping) = try await cluster.json(.get, "/\(first)/_mapping")
        let properties = (((mapping as? [String: Any])?[first] as? [String: Any])?["mappings"] as? [String: Any])?["properties"] as? [String: Any]
        let labels = (properties?["labels"] as? [String: Any])?["properties"] as? [String: Any]
        XCTAssertEqual((labels?["shop_id"] as? [String: Any])?["type"] as? String, "keyword", "labels.* are keywords")
        let event = (properties?["event"] as? [String: Any])?["properties"] as? [String: Any]
        XCTAssertEqual((event?["id"] as? [String: Any])?["type"] as? String, "keyword")
        XCTAssertEqual((properties?["message"] as? [String: Any])?["type"] as? String, "text")
    }

    func testTheSameBatchTwiceIsStoredOnce() async throws {
        let sink = cluster.sink()
        try await sink.prepare()
        let events = (0..<5).map { i in TestEvents.event(millis: TestEvents.referenceMillis + Int64(i)) }

        let first = await sink.deliver(events)
        let second = await sink.deliver(events)

        XCTAssertEqual(first.items, Array(repeating: .stored, count: 5))
        XCTAssertEqual(second.items, Array(repeating: .alreadyStored, count: 5))
        let stored = try await cluster.count("\(cluster.prefix)-2026.11.25")
        XCTAssertEqual(stored, 5)
    }

    func testAMappingConflictRejectsOnlyThatEventWithAReadableReason() async throws {
        let sink = cluster.sink()
        try await sink.prepare()
        let millis = TestEvents.referenceMillis
        let badDateID = TestEvents.newID(), stringHostID = TestEvents.newID()
        var badDate = TestEvents.document(id: badDateID, millis: millis)
        badDate["@timestamp"] = "yesterday afternoon"
        var stringHost = TestEvents.document(id: stringHostID, millis: millis)
        stringHost["host"] = "core-web-3"
        let events = [
            TestEvents.event(millis: millis),
            TestEvents.event(id: badDateID, millis: millis, document: badDate),
            TestEvents.event(id: stringHostID, millis: millis, document: stringHost),
            TestEvents.event(millis: millis),
        ]

        let report = await sink.deliver(events)

        XCTAssertEqual(report.items[0], .stored)
        XCTAssertEqual(report.items[3], .stored)
        guard case .reject(let dateReason) = report.items[1], case .reject(let hostReason) = report.items[2] else {
            return XCTFail("expected two rejections, got \(report.items)")
        }
        XCTAssertTrue(dateReason.contains("400") && dateReason.contains("@timestamp"), dateReason)
        XCTAssertTrue(hostReason.contains("host"), hostReason)
        let stored = try await cluster.count("\(cluster.prefix)-2026.11.25")
        XCTAssertEqual(stored, 2)
    }

    func testAttributesOfDifferentShapesDoNotConflict() async throws {
        let sink = cluster.sink()
        try await sink.prepare()
        let shapes: [Any] = [["items": 3], 3, "three", [["sku": "a"]], ["items": ["count": 3]]]
        let events = shapes.map { shape -> SpooledEvent in
            let id = TestEvents.newID()
            var document = TestEvents.document(id: id, millis: TestEvents.referenceMillis)
            document["attributes"] = ["order": shape]
            return TestEvents.event(id: id, document: document)
        }

        let report = await sink.deliver(events)

        XCTAssertEqual(report.items, Array(repeating: .stored, count: shapes.count))
    }

    func testEveryFieldKeepsOneTypeAcrossEventsAndDailyIndices() async throws {
        let sink = cluster.sink()
        try await sink.prepare()
        let day1 = TestEvents.referenceMillis, day2 = TestEvents.referenceMillis + TestEvents.dayMillis
        // What the normaliser writes for events that would conflict under dynamic mapping: a
        // date-looking label then a word, numbers as label strings, attributes of every shape, the
        // counters and the client address only on some days.
        let variants: [(millis: Int64, labels: [String: Any], attributes: [String: Any], event: [String: Any], ingest: [String: Any]?)] = [
            (day1, ["x": "2026-11-25", "n": "42"], ["v": ["a": 1]], ["dropped_keys": 2], ["client_ip": "10.0.0.7"]),
            (day1, ["x": "not a date", "n": "forty-two"], ["v": "s", "w": 1.5], ["flattened_values": 1], nil),
            (day2, ["x": "true", "n": "4.5"], ["v": [1, "a", ["b": ["c": 2]]], "w": "x"], [:], nil),
            (day2, ["x": "2026-11-26T10:00:00Z", "n": "1"], ["v": ["a": ["b": "deep"]], "w": ["k": true]], [:], ["client_ip": "::1"]),
        ]
        let events = variants.map { variant -> SpooledEvent in
            let id = TestEvents.newID()
            var document = TestEvents.document(id: id, millis: variant.millis)
            document["labels"] = variant.labels
            document["attributes"] = variant.attributes
            var event = document["event"] as? [String: Any] ?? [:]
            event.merge(variant.event) { _, new in new }
            document["event"] = event
            if let ingest = variant.ingest { document["ingest"] = ingest }
            return TestEvents.event(id: id, millis: variant.millis, document: document)
        }

        let report = await sink.deliver(events)

        XCTAssertEqual(report.items, Array(repeating: .stored, count: events.count), "nothing is rejected or dead-lettered")
        for index in ["\(cluster.prefix)-2026.11.25", "\(cluster.prefix)-2026.11.26"] {
            let (_, mapping) = try await cluster.json(.get, "/\(index)/_mapping")
            let mappings = ((mapping as? [String: Any])?[index] as? [String: Any])?["mappings"] as? [String: Any]
            XCTAssertEqual(mappings?["date_detection"] as? Bool, false, index)
            XCTAssertEqual(mappings?["numeric_detection"] as? Bool, false, index)
            func type(_ path: String) -> String? {
                var node: [String: Any]? = mappings
                for part in path.split(separator: ".") {
                    node = (node?["properties"] as? [String: Any])?[String(part)] as? [String: Any]
                }
                return node?["type"] as? String
            }
            // The same types in both daily indices, whichever event came first.
            XCTAssertEqual(type("labels.x"), "keyword", index)
            XCTAssertEqual(type("labels.n"), "keyword", index)
            XCTAssertEqual(type("event.dropped_keys"), "long", index)
            XCTAssertEqual(type("event.flattened_values"), "long", index)
            XCTAssertEqual(type("ingest.client_ip"), "keyword", index)
        }
    }

    func testRetentionDeletesOnlyOldDailyIndicesByExactName() async throws {
        let sink = cluster.sink(retentionDays: 30)
        try await sink.prepare()
        let now = TestEvents.referenceMillis
        let ages = [0, 29, 30, 31, 45]  // days before now
        _ = await sink.deliver(ages.map { TestEvents.event(millis: now - Int64($0) * TestEvents.dayMillis) })
        let lookalikes = ["\(cluster.prefix)-archive", "\(cluster.prefix)-2020.01.01-restored"]
        for name in lookalikes { try await cluster.createIndex(name) }

        let deleted = try await sink.enforceRetention(now: TestEvents.date(now))

        let p = cluster.prefix
        XCTAssertEqual(deleted, ["\(p)-2026.10.11", "\(p)-2026.10.25"], "days 45 and 31 ago are wholly older than 30 days")
        let remaining = try await cluster.indices()
        XCTAssertEqual(remaining, (["\(p)-2026.10.26", "\(p)-2026.10.27", "\(p)-2026.11.25"] + lookalikes).sorted())
        let again = try await sink.enforceRetention(now: TestEvents.date(now))
        XCTAssertEqual(again, [])
    }
}
