import ClientHTTP
import Foundation
import LogModel
import SinkElasticsearch
import Sinks
import TestSupport
import XCTest

/// Against a recording fake: server behaviour the stand-in cannot produce (ES 8, 429, 413, 401).
final class ElasticsearchSinkFakeServerTests: XCTestCase {
    private var server: RecordingHTTPServer!
    private var client: HTTPClient!

    override func setUp() async throws {
        server = try await RecordingHTTPServer.start()
        client = try HTTPClient()
    }

    override func tearDown() async throws {
        client.shutdown()
        await server.stop()
    }

    private func sink(_ configure: (inout ElasticsearchSinkConfiguration) -> Void = { _ in }) -> ElasticsearchSink {
        var configuration = ElasticsearchSinkConfiguration(urls: [server.baseURL], requestTimeout: .seconds(5))
        configure(&configuration)
        return ElasticsearchSink(configuration: configuration, client: client)
    }

    private func bulkRequests() -> [RecordedRequest] { server.requests.filter { $0.path == "/_bulk" } }

    // MARK: - prepare

    func testElasticsearch8IsDetectedAndGetsAFlattenedAttributesMapping() async throws {
        server.setHandler { request in
            request.path == "/" ? .json(FakeElasticsearch.elasticsearch8Root, headers: FakeElasticsearch.productHeader)
                : .json(#"{"acknowledged":true}"#, headers: FakeElasticsearch.productHeader)
        }
        let sink = sink()

        try await sink.prepare()

        guard case .elasticsearch(let version, _)? = sink.distribution else { return XCTFail("got \(String(describing: sink.distribution))") }
        XCTAssertEqual(version, ServerVersion(8, 13, 4))
        let put = try XCTUnwrap(server.requests.first { $0.method == "PUT" })
        XCTAssertEqual(put.path, "/_index_template/datamp-logs")
        XCTAssertEqual(put.headers["content-type"], "application/json")
        let template = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(put.body)) as? [String: Any])
        XCTAssertEqual(template["index_patterns"] as? [String], ["datamp-logs-*"])
        XCTAssertEqual(template["priority"] as? Int, 500)
        XCTAssertNil(template["data_stream"], "daily indices, not a data stream")
        let properties = ((template["template"] as? [String: Any])?["mappings"] as? [String: Any])?["properties"] as? [String: Any]
        XCTAssertEqual((properties?["attributes"] as? [String: Any])?["type"] as? String, "flattened")
        XCTAssertFalse(put.bodyText.contains("match_only_text") && put.bodyText.contains("wildcard"))
    }

    func testOpenSearchIsDetectedFromTheBodyDespiteTheElasticProductHeader() async throws {
        for (number, attributesType) in [("2.11.1", "flat_object"), ("2.5.0", "object"), ("1.3.0", "object"), ("3.8.0", "flat_object")] {
            server.clearRequests()
            server.setHandler { request in
                request.path == "/" ? .json(FakeElasticsearch.openSearchRoot(number), headers: FakeElasticsearch.productHeader)
                    : .json(#"{"acknowledged":true}"#)
            }
            let sink = sink()

            try await sink.prepare()

            XCTAssertEqual(sink.distribution, .opensearch(ServerVersion(number)!))
            let put = try XCTUnwrap(server.requests.first { $0.method == "PUT" })
            let template = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(put.body)) as? [String: Any])
            let properties = ((template["template"] as? [String: Any])?["mappings"] as? [String: Any])?["properties"] as? [String: Any]
            let attributes = properties?["attributes"] as? [String: Any]
            XCTAssertEqual(attributes?["type"] as? String, attributesType, "OpenSearch \(number)")
            if attributesType == "object" { XCTAssertEqual(attributes?["enabled"] as? Bool, false) }
            XCTAssertFalse(put.bodyText.contains("match_only_text") || put.bodyText.contains("wildcard"), "OpenSearch has neither type")
        }
    }

    func testPrepareFailsClearlyWhenTheURLIsNotASearchServer() async throws {
        server.setHandler { _ in .text("<html>It works!</html>") }

        do {
            try await sink().prepare()
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue(error.message.contains("does not look like Elasticsearch"), error.message)
            XCTAssertEqual(error.kind, .transient)
        }
    }

    func testPrepareWithWrongCredentialsIsNotRetriable() async throws {
        server.setHandler { _ in
            .json(#"{"error":{"type":"security_exception","reason":"unable to authenticate user [admin]"},"status":401}"#, status: 401)
        }

        do {
            try await sink { $0.username = "admin"; $0.password = "hunter2" }.prepare()
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.kind, .configuration)
            XCTAssertTrue(error.message.contains("credentials"), error.message)
            XCTAssertFalse(error.description.contains("hunter2"))
        }
    }

    // MARK: - deliver

    func testBulkBodyIsNDJSONWithCreateActionsIntoTheDailyIndex() async throws {
        server.setHandler { FakeElasticsearch.allCreated($0) }
        let events = [TestEvents.event(id: "a\"quote"), TestEvents.event(millis: TestEvents.referenceMillis + TestEvents.dayMillis)]

        let report = await sink { $0.apiKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==" }.deliver(events)

        XCTAssertEqual(report.items, [.stored, .stored])
        let request = try XCTUnwrap(bulkRequests().first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.headers["content-type"], "application/x-ndjson")
        XCTAssertEqual(request.headers["authorization"], "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==")
        XCTAssertEqual(request.body.last, UInt8(ascii: "\n"), "the last line is newline-terminated too")
        let lines = request.bodyText.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(String(lines[1]), String(decoding: events[0].json, as: UTF8.self))
        let actions = FakeElasticsearch.actions(request)
        XCTAssertEqual(actions.map(\.index), ["datamp-logs-2026.11.25", "datamp-logs-2026.11.26"])
        XCTAssertEqual(actions.map(\.id), ["a\"quote", events[1].id])
    }

    func testEachBulkItemIsClassifiedByItsStatus() async throws {
        server.setHandler { _ in
            FakeElasticsearch.bulkResponse([
                (201, nil), (429, "es_rejected_execution_exception"), (503, "unavailable_shards_exception"),
                (409, "version_conflict_engine_exception"), (400, "document_parsing_exception"),
                (404, "index_not_found_exception"), (200, nil),
            ])
        }
        let events = (0..<7).map { _ in TestEvents.event() }

        let report = await sink().deliver(events)

        XCTAssertEqual(report.items[0], .stored)
        XCTAssertEqual(report.items[3], .alreadyStored)
        XCTAssertEqual(report.items[6], .stored)
        guard case .retry(let overloaded) = report.items[1], case .retry(let unavailable) = report.items[2],
              case .reject(let parsing) = report.items[4], case .retry(let missingIndex) = report.items[5] else {
            return XCTFail("unexpected outcomes \(report.items)")
        }
        XCTAssertTrue(overloaded.contains("429"), overloaded)
        XCTAssertTrue(unavailable.contains("503"), unavailable)
        XCTAssertTrue(parsing.contains("document_parsing_exception: scripted document_parsing_exception"), parsing)
        XCTAssertTrue(missingIndex.contains("index template datamp-logs"), missingIndex)
        XCTAssertNil(report.retryAfterSeconds)
        XCTAssertNil(report.requestFailure, "the store answered item by item")
        XCTAssertEqual(bulkRequests().count, 1, "item failures are reported, not resent by the sink")
    }

    func testWholeRequest429RetriesEveryItemWithTheServersRetryAfter() async throws {
        server.setHandler { _ in
            .json(#"{"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"},"status":429}"#,
                  status: 429, headers: ["Retry-After": "17"])
        }

        let report = await sink().deliver([TestEvents.event(), TestEvents.event()])

        XCTAssertEqual(report.retryAfterSeconds, 17)
        XCTAssertEqual(report.requestFailure, .transient)
        XCTAssertEqual(report.items.count, 2)
        for item in report.items {
            guard case .retry(let reason) = item else { return XCTFail("expected retry, got \(item)") }
            XCTAssertTrue(reason.contains("429") && reason.contains("rejected execution"), reason)
        }
    }

    func testWholeRequest503WithAnHTTPDateRetryAfterRetriesEveryItem() async throws {
        let inAMinute = Date().addingTimeInterval(60)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let header = formatter.string(from: inAMinute)
        server.setHandler { _ in .text("Service Unavailable", status: 503, headers: ["Retry-After": header]) }

        let report = await sink().deliver([TestEvents.event()])

        XCTAssertEqual(report.retryAfterSeconds ?? 0, 60, accuracy: 3)
        guard case .retry = report.items.first else { return XCTFail("expected retry, got \(report.items)") }
    }

    func testRequestTooLargeSplitsTheBatchInHalves() async throws {
        server.setHandler { request in
            FakeElasticsearch.actions(request).count > 2
                ? .json(#"{"error":"Request Entity Too Large","status":413}"#, status: 413)
                : FakeElasticsearch.allCreated(request)
        }
        let events = (0..<5).map { _ in TestEvents.event() }

        let report = await sink().deliver(events)

        XCTAssertEqual(report.items, Array(repeating: .stored, count: 5))
        let sizes = bulkRequests().map { FakeElasticsearch.actions($0).count }
        XCTAssertEqual(sizes, [5, 2, 3, 1, 2])
        let sentIDs = bulkRequests().dropFirst().flatMap { FakeElasticsearch.actions($0).map(\.id) }
        XCTAssertEqual(Set(sentIDs), Set(events.map(\.id)), "every event was sent in some half")
        XCTAssertEqual(sentIDs.count, 5 + 3, "the 3-event half was split again: each event stored once in the end")
    }

    func testASingleDocumentTooLargeForTheClusterIsRejected() async throws {
        server.setHandler { _ in RecordingResponse(status: 413) }

        let report = await sink().deliver([TestEvents.event()])

        guard case .reject(let reason)? = report.items.first else { return XCTFail("expected reject, got \(report.items)") }
        XCTAssertTrue(reason.contains("http.max_content_length"), reason)
    }

    func testUnauthorizedIsAConfigurationFailureOfTheWholeRequestThatSaysTheCredentialsAreWrong() async throws {
        server.setHandler { _ in
            .json(#"{"error":{"type":"security_exception","reason":"unable to authenticate user [ingest]"},"status":401}"#, status: 401)
        }

        let report = await sink { $0.username = "ingest"; $0.password = "wrong-pass" }.deliver([TestEvents.event(), TestEvents.event()])

        XCTAssertEqual(bulkRequests().first?.headers["authorization"], "Basic " + Data("ingest:wrong-pass".utf8).base64EncodedString())
        XCTAssertEqual(report.requestFailure, .configuration, "only an operator can fix credentials")
        for item in report.items {
            guard case .retry(let reason) = item else { return XCTFail("expected retry, got \(item)") }
            XCTAssertTrue(reason.contains("refused the credentials"), reason)
            XCTAssertTrue(reason.contains("unable to authenticate user"), reason)
            XCTAssertFalse(reason.contains("wrong-pass"))
        }
    }

    func testAnAnswerThatIsNotFromElasticsearchRetriesEveryItem() async throws {
        server.setHandler { _ in .text("<html><body>Welcome to nginx!</body></html>") }

        let report = await sink().deliver([TestEvents.event(), TestEvents.event()])

        for item in report.items {
            guard case .retry(let reason) = item else { return XCTFail("expected retry, got \(item)") }
            XCTAssertTrue(reason.contains("not an Elasticsearch bulk response"), reason)
        }
    }

    func testAnUnreachableClusterRetriesEveryItem() async throws {
        let closed = try await RecordingHTTPServer.start()
        let url = closed.baseURL
        await closed.stop()

        let report = await sink { $0.urls = [url] }.deliver([TestEvents.event()])

        guard case .retry(let reason)? = report.items.first else { return XCTFail("expected retry, got \(report.items)") }
        XCTAssertTrue(reason.contains("could not be reached"), reason)
        XCTAssertEqual(report.requestFailure, .transient)
    }

    func testANodeThatRefusesConnectionsIsSkipped() async throws {
        let closed = try await RecordingHTTPServer.start()
        let deadNode = closed.baseURL
        await closed.stop()
        server.setHandler { FakeElasticsearch.allCreated($0) }
        let sink = sink { $0.urls = [deadNode, self.server.baseURL] }

        for _ in 0..<4 {
            let report = await sink.deliver([TestEvents.event()])
            XCTAssertEqual(report.items, [.stored])
        }
        XCTAssertEqual(bulkRequests().count, 4)
    }

    func testEventsThatCannotBeSentAreRejectedAndTheRestDelivered() async throws {
        server.setHandler { FakeElasticsearch.allCreated($0) }
        let events = [
            TestEvents.event(),
            SpooledEvent(id: "", timestampMillis: TestEvents.referenceMillis, json: Array(#"{"message":"x"}"#.utf8)),
            SpooledEvent(id: "not-an-object", timestampMillis: TestEvents.referenceMillis, json: Array("[1,2]".utf8)),
            TestEvents.event(),
        ]

        let report = await sink().deliver(events)

        XCTAssertEqual(report.items[0], .stored)
        XCTAssertEqual(report.items[3], .stored)
        guard case .reject = report.items[1], case .reject = report.items[2] else { return XCTFail("got \(report.items)") }
        XCTAssertEqual(bulkRequests().first.map { FakeElasticsearch.actions($0).map(\.id) }, [events[0].id, events[3].id])
    }

    func testRefreshAfterWriteAsksToWaitForRefresh() async throws {
        server.setHandler { FakeElasticsearch.allCreated($0) }

        _ = await sink { $0.refreshAfterWrite = true }.deliver([TestEvents.event()])

        XCTAssertEqual(bulkRequests().first?.queryItems["refresh"], "wait_for")
    }

    // MARK: - retention

    func testRetentionDeletesOnlyExactDailyNamesAndNeverByWildcard() async throws {
        let listing = """
            [{"index":"datamp-logs-2026.10.01"},{"index":"datamp-logs-2026.11.24"},{"index":"datamp-logs-2026.02.30"},\
            {"index":"datamp-logs-2026.10.01-restored"},{"index":"datamp-logs-archive"},{"index":"datamp-logs-2025.12.31"}]
            """
        server.setHandler { request in
            request.method == "GET" ? .json(listing) : .json(#"{"acknowledged":true}"#)
        }
        let sink = sink { $0.retentionDays = 30 }

        let deleted = try await sink.enforceRetention(now: TestEvents.date(TestEvents.referenceMillis))

        XCTAssertEqual(deleted, ["datamp-logs-2025.12.31", "datamp-logs-2026.10.01"])
        let get = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(get.uri, "/_cat/indices/datamp-logs-*?format=json&h=index")
        let deletes = server.requests.filter { $0.method == "DELETE" }.map(\.path)
        XCTAssertEqual(deletes, ["/datamp-logs-2025.12.31", "/datamp-logs-2026.10.01"])
        XCTAssertFalse(deletes.contains { $0.contains("*") || $0.contains(",") })
    }

    func testRetentionIsOffWithoutRetentionDays() async throws {
        let deleted = try await sink().enforceRetention(now: Date())

        XCTAssertEqual(deleted, [])
        XCTAssertTrue(server.requests.isEmpty)
    }

    // MARK: - configuration

    func testConfigurationErrorsNameTheKey() {
        let bad: [(ElasticsearchSinkConfiguration, String)] = [
            (ElasticsearchSinkConfiguration(urls: []), "elasticsearch.urls"),
            (ElasticsearchSinkConfiguration(urls: ["es:9200"]), "elasticsearch.urls"),
            (ElasticsearchSinkConfiguration(urls: ["http://es:9200"], indexPrefix: "Logs*"), "elasticsearch.indexPrefix"),
            (ElasticsearchSinkConfiguration(urls: ["http://es:9200"], username: "u"), "elasticsearch.password"),
            (ElasticsearchSinkConfiguration(urls: ["http://es:9200"], retentionDays: 0), "elasticsearch.retentionDays"),
        ]
        for (configuration, key) in bad {
            XCTAssertThrowsError(try configuration.validate()) { error in
                XCTAssertTrue((error as? SinkError)?.message.contains(key) == true, "\(error)")
            }
        }
        let withSecrets = ElasticsearchSinkConfiguration(urls: ["https://elastic:pw1@es:9200"], username: "elastic", password: "pw2")
        XCTAssertNoThrow(try withSecrets.validate())
        XCTAssertFalse(withSecrets.description.contains("pw1") || withSecrets.description.contains("pw2"), withSecrets.description)
    }

    func testIndexNamesUseTheUTCDay() {
        let sink = sink()
        XCTAssertEqual(sink.indexName(forTimestampMillis: 0), "datamp-logs-1970.01.01")
        XCTAssertEqual(sink.indexName(forTimestampMillis: -1), "datamp-logs-1969.12.31")
        XCTAssertEqual(sink.indexName(forTimestampMillis: 1_709_164_800_000), "datamp-logs-2024.02.29")
        XCTAssertEqual(sink.indexName(forTimestampMillis: 1_709_251_199_999), "datamp-logs-2024.02.29")
        XCTAssertEqual(sink.indexName(forTimestampMillis: 1_709_251_200_000), "datamp-logs-2024.03.01")
    }
}
