import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// The search API against the stand-ins: a fixed, varied data set ingested through the hub's real
/// intake, every operator asked of Elasticsearch and of MongoDB (`backend=`), each must return
/// exactly the expected `event.id`s in (`@timestamp`, `event.id`) order.
final class SearchBackendsTests: StaffTestCase {
    /// One generated event and the facts the expectations are computed from.
    struct Sample {
        let n: Int
        let id: String
        let millis: Int64
        let level: String
        let service: String
        let host: String
        let message: String
        let status: String
        let shop: Int
        let trace: String?
        let errorType: String?
        let items: Int?
        let orderID: String

        static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]
        static let services = ["billing", "auth", "catalog", "bill-worker"]
        static let statuses = ["60", "499", "500", "502", "599", "600", "1000", "-5", "200", "404", "99.5"]

        init(_ n: Int, baseMillis: Int64) {
            self.n = n
            id = String(format: "sb-%05d", n)
            millis = baseMillis + Int64(n / 3) * 5000  // three events per timestamp: ties broken by id
            level = Self.levels[n % 9]
            service = Self.services[n % 4]
            host = "web-\(n % 5)"
            let shop = [42, 7, 420][n % 3]
            self.shop = shop
            message = [
                "payment failed for shop \(shop)", "request timeout after 30s", "card declined by issuer",
                "user logged in", "paying invoice \(n)", "cache miss for key k\(n)",
            ][n % 6]
            status = Self.statuses[n % 11]
            trace = n % 4 == 0 ? "trace-\(n / 4 % 50)" : nil
            errorType = n % 7 == 0 ? "ValueError" : n % 7 == 1 ? "KeyError" : nil
            items = n % 10 == 0 ? n % 3 : nil
            orderID = n % 13 == 0 ? "A-17" : "B-\(n)"
        }

        var json: String {
            var object: JSONObject = [
                "@timestamp": .string(Timestamp.format(micros: millis * 1000)), "event.id": .string(id), "level": .string(level),
                "service": .string(service), "host": .string(host), "message": .string(message), "shop_id": .int(Int64(shop)),
                "order_id": .string(orderID),
            ]
            // Labels arrive as numbers (stored as strings); one decimal comes as text.
            object["status"] = status.contains(".") ? .string(status) : .int(Int64(status)!)
            if let trace { object["trace_id"] = .string(trace) }
            if let errorType {
                object["error.type"] = .string(errorType)
                object["error.message"] = "card declined"
            }
            if let items { object["order"] = ["items": .int(Int64(items))] }
            return JSONValue.object(object).jsonString
        }
    }

    var staff: StaffClient!

    func startSearchHub() async throws -> HubProcess {
        let hub = try await startHub(mongo: true, elasticsearch: true, extra: Self.fastHashing.merging(["ADMIN_SEARCH_EXPORT_MAX_EVENTS": "2500"]) { $1 })
        try createUser("support@search.test", roles: ["support"])
        staff = StaffClient(bearer: try personalToken("support@search.test"))
        return hub
    }

    /// Posts the events through the intake in NDJSON batches and waits for both stores to hold them.
    func ingest(_ hub: HubProcess, _ lines: [String]) async throws {
        let token = try createToken(service: "core")
        for start in stride(from: 0, to: lines.count, by: 1000) {
            let body = lines[start..<min(start + 1000, lines.count)].joined(separator: "\n") + "\n"
            let response = try await post(hub, body: Array(body.utf8), token: token)
            XCTAssertEqual(response.status, 202, response.bodyText)
        }
        let pool = try mongoPool()
        try await eventually(timeout: .seconds(120), "both stores hold \(lines.count) events") {
            let es = try await elasticsearchCount(), mongo = try await mongoCount(pool)
            return es == lines.count && mongo == lines.count
        }
    }

    /// Every id the API returns for `query` on `backend`, walking the pages.
    func ids(_ hub: HubProcess, _ query: String, backend: String, size: Int = 1000, order: String = "desc") async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        repeat {
            var path = "/api/v1/logs/search?from=now-3h&size=\(size)&order=\(order)&backend=\(backend)&q=" + Self.escape(query)
            if let cursor { path += "&cursor=" + cursor }
            let response = try await send(hub, .get, path, as: staff)
            guard response.status == 200 else {
                XCTFail("\(backend) \(query): \(response.status) \(response.bodyText)")
                return ids
            }
            let body = try json(response)
            XCTAssertEqual(body["backend"]?.stringValue, backend)
            ids += (body["hits"]?.arrayValue ?? []).compactMap { $0["event"]?["id"]?.stringValue }
            cursor = body["next_cursor"]?.stringValue
        } while cursor != nil
        return ids
    }

    /// The cursor's parts (base64url of a JSON array: millis, id[, point in time]).
    static func cursorParts(_ cursor: String) -> [JSONValue] {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64), let parsed = try? JSONParser.parse(Array(data)) else { return [] }
        return parsed.arrayValue ?? []
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    func testEveryOperatorFindsTheSameEventsOnBothBackends() async throws {
        let hub = try await startSearchHub()
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 100 * 60_000
        let samples = (0..<3000).map { Sample($0, baseMillis: base) }
        try await ingest(hub, samples.map(\.json))
        let halfHourAgo = Int64(Date().timeIntervalSince1970 * 1000) - 30 * 60_000

        let severity = Dictionary(uniqueKeysWithValues: Sample.levels.enumerated().map { ($1, $0) })
        func number(_ s: Sample) -> Double { Double(s.status)! }
        let cases: [(String, (Sample) -> Bool)] = [
            ("", { _ in true }),
            ("level:error", { $0.level == "error" }),
            ("level:>=warning", { severity[$0.level]! >= 4 }),
            ("level:<info", { severity[$0.level]! < 2 }),
            ("service:billing", { $0.service == "billing" }),
            ("service:bill*", { $0.service.hasPrefix("bill") }),
            ("status:>499", { number($0) > 499 }),
            ("status:<=99.5", { number($0) <= 99.5 }),
            ("status:[500 TO 599]", { (500...599).contains(number($0)) }),
            ("status:{500 TO 600}", { number($0) > 500 && number($0) < 600 }),
            ("status:<0", { number($0) < 0 }),
            ("status:502", { $0.status == "502" }),
            ("shop:42", { $0.shop == 42 }),
            ("has:trace.id", { $0.trace != nil }),
            ("-has:trace", { $0.trace == nil }),
            ("trace:trace-7", { $0.trace == "trace-7" }),
            ("host:web-1", { $0.host == "web-1" }),
            ("error:ValueError", { $0.errorType == "ValueError" }),
            ("labels.order_id:A-17", { $0.orderID == "A-17" }),
            ("attributes.order.items:2", { $0.items == 2 }),
            ("timeout", { $0.message.contains("timeout") }),
            ("\"card declined\"", { $0.message.contains("card declined") || $0.errorType != nil }),
            ("message:\"payment failed\"", { $0.message.hasPrefix("payment failed") }),
            ("pay*", { $0.message.hasPrefix("pay") }),
            ("service:billing AND level:error", { $0.service == "billing" && $0.level == "error" }),
            ("(service:auth OR service:catalog) -level:debug NOT host:web-0",
             { ($0.service == "auth" || $0.service == "catalog") && $0.level != "debug" && $0.host != "web-0" }),
            ("@timestamp:>now-30m", { $0.millis > halfHourAgo }),
        ]
        let expectedOrder = samples.sorted { ($0.millis, $0.id) > ($1.millis, $1.id) }
        var problems: [String] = []
        for (query, predicate) in cases {
            var expected = expectedOrder.filter(predicate).map(\.id)
            // `now` moves while the test runs: compare a minute away from the boundary.
            let settled = { (id: String) in samples[Int(id.dropFirst(3))!].millis > halfHourAgo + 60_000 }
            if query.hasPrefix("@timestamp") { expected = expected.filter(settled) }
            for backend in ["elasticsearch", "mongodb"] {
                var got = try await ids(hub, query, backend: backend)
                if query.hasPrefix("@timestamp") { got = got.filter(settled) }
                if got != expected {
                    problems.append("\(backend) '\(query)': \(got.count) hits, expected \(expected.count); first differences: " +
                                    "\(Array(Set(got).symmetricDifference(expected)).sorted().prefix(5))")
                }
            }
        }
        XCTAssertEqual(problems, [], "\n" + problems.joined(separator: "\n"))

        // The other endpoints, on both stores.
        for backend in ["elasticsearch", "mongodb"] {
            let one = samples[1234]
            let event = try await send(hub, .get, "/api/v1/logs/\(one.id)?backend=\(backend)", as: staff)
            XCTAssertEqual(event.status, 200, event.bodyText)
            XCTAssertEqual(try json(event)["message"]?.stringValue, one.message)
            XCTAssertNil(try json(event)["_id"], "the stored document, without MongoDB's _id")
            let missing = try await send(hub, .get, "/api/v1/logs/no-such-event?backend=\(backend)", as: staff)
            XCTAssertEqual(missing.status, 404)

            let context = try json(try await send(hub, .get, "/api/v1/logs/\(one.id)/context?before=4&after=3&by=service&backend=\(backend)", as: staff))
            let sameService = expectedOrder.reversed().filter { $0.service == one.service }.map(\.id)
            let at = sameService.firstIndex(of: one.id)!
            XCTAssertEqual(context["events"]?.arrayValue?.compactMap { $0["event"]?["id"]?.stringValue }, Array(sameService[(at - 4)...(at + 3)]), backend)
            XCTAssertEqual(context["anchor_index"], .int(4))

            let facets = try json(try await send(hub, .get, "/api/v1/logs/facets?from=now-3h&fields=service,trace&size=2&backend=\(backend)", as: staff))
            let service = facets["facets"]?.arrayValue?.first
            XCTAssertEqual(service?["field"], "service.name")
            XCTAssertEqual(service?["values"]?.arrayValue?.count, 2)
            XCTAssertEqual(service?["values"]?.arrayValue?.first?["count"], .int(750), backend)
            XCTAssertEqual(facets["facets"]?.arrayValue?.last?["missing"], .int(Int64(samples.filter { $0.trace == nil }.count)), backend)

            let histogram = try json(try await send(hub, .get, "/api/v1/logs/histogram?from=now-3h&q=level:error&buckets=36&backend=\(backend)", as: staff))
            XCTAssertEqual(histogram["interval"], "5m", backend)
            let buckets = histogram["buckets"]?.arrayValue ?? []
            XCTAssertGreaterThanOrEqual(buckets.count, 36)
            let total = buckets.reduce(Int64(0)) { $0 + Int64($1["count"]?.intValue ?? 0) }
            XCTAssertEqual(total, Int64(samples.filter { $0.level == "error" }.count), backend)
            XCTAssertTrue(buckets.contains { $0["count"] == .int(0) }, "empty buckets are included")
            XCTAssertEqual(buckets.compactMap { $0["levels"]?["error"]?.intValue.map(Int64.init) }.reduce(0, +), total)
        }

        // Bad input: typed 400 with the position; nothing else happens.
        let bad = try await send(hub, .get, "/api/v1/logs/search?q=" + Self.escape("service:"), as: staff)
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(try json(bad)["error"], "invalid_query")
        XCTAssertEqual(try json(bad)["position"], .int(9))
        XCTAssertEqual(try json(bad)["message"], "position 9: expected a value after 'service:'")
        for path in ["/api/v1/logs/search?size=0", "/api/v1/logs/search?from=yesterday", "/api/v1/logs/search?cursor=xyz",
                     "/api/v1/logs/search?order=up", "/api/v1/logs/facets?fields=message",
                     "/api/v1/logs/histogram?from=1900-01-01T00:00:00Z"] {
            let response = try await send(hub, .get, path, as: staff)
            XCTAssertEqual(response.status, 400, path + " " + response.bodyText)
        }

        // Export: streamed, oldest first, cut with a marker at search.export_max_events (2500 here).
        for backend in ["elasticsearch", "mongodb"] {
            let errors = try await send(hub, .get, "/api/v1/logs/export?from=now-3h&q=level:error&backend=\(backend)", as: staff)
            XCTAssertEqual(errors.status, 200)
            let lines = errors.bodyText.split(separator: "\n")
            XCTAssertEqual(lines.compactMap { try? JSONParser.parse(String($0))["event"]?["id"]?.stringValue },
                           expectedOrder.reversed().filter { $0.level == "error" }.map(\.id), backend)
            let all = try await send(hub, .get, "/api/v1/logs/export?from=now-3h&format=csv&backend=\(backend)", as: staff)
            let rows = all.bodyText.split(separator: "\r\n")
            XCTAssertEqual(rows.first, "@timestamp,event.id,log.level,service.name,host.name,log.logger,trace.id,error.type,message,labels")
            XCTAssertEqual(rows.count, 1 + 2500 + 1, backend)
            XCTAssertTrue(rows.last?.hasPrefix("# truncated: export stopped at 2500 events") == true, String(rows.last ?? ""))
        }

        // Saved searches: per user, validated, deletable.
        let created = try await send(hub, .post, "/api/v1/saved-searches", as: staff,
                                     json: #"{"name":"errors of shop 42","query":"shop:42 level:>=error","from":"now-24h","to":"now"}"#)
        XCTAssertEqual(created.status, 201, created.bodyText)
        let savedID = try json(created)["id"]?.intValue ?? 0
        let duplicate = try await send(hub, .post, "/api/v1/saved-searches", as: staff, json: #"{"name":"errors of shop 42","query":""}"#)
        XCTAssertEqual(duplicate.status, 409)
        let invalid = try await send(hub, .post, "/api/v1/saved-searches", as: staff, json: #"{"name":"bad","query":"*x"}"#)
        XCTAssertEqual(try json(invalid)["error"], "invalid_query")
        let listed = try json(try await send(hub, .get, "/api/v1/saved-searches", as: staff))["saved_searches"]?.arrayValue ?? []
        XCTAssertEqual(listed.map { $0["query"] }, ["shop:42 level:>=error"])
        let deleted = try await send(hub, .delete, "/api/v1/saved-searches/\(savedID)", as: staff)
        XCTAssertEqual(deleted.status, 200)
        let again = try await send(hub, .delete, "/api/v1/saved-searches/\(savedID)", as: staff)
        XCTAssertEqual(again.status, 404)

        // A personal token without logs.read is refused; the access log names who searched.
        try createUser("admin@search.test", roles: ["admin"])
        let narrow = StaffClient(bearer: try personalToken("admin@search.test", scopes: ["users.manage"]))
        let refused = try await send(hub, .get, "/api/v1/logs/search", as: narrow)
        XCTAssertEqual(refused.status, 403)
        let admin = StaffClient(bearer: try personalToken("admin@search.test", scopes: ["audit.read"]))
        let log = try json(try await send(hub, .get, "/api/v1/logs/access-log?limit=1000", as: admin))["entries"]?.arrayValue ?? []
        XCTAssertTrue(log.contains { $0["user_email"] == "support@search.test" && $0["action"] == "search" && $0["query"] == "level:>=warning" })
        XCTAssertTrue(log.contains { $0["action"] == "context" })
        XCTAssertTrue(log.contains { $0["action"] == "export" && $0["hits"] == .int(2500) })
    }

    /// Elasticsearch configured but unreachable: the same API answers from MongoDB and says so.
    func testAnUnreachableSearchServerFallsBackToMongoDB() async throws {
        let hub = try await startHub(mongo: true, elasticsearch: false,
                                     extra: Self.fastHashing.merging(["ADMIN_ELASTICSEARCH_URL": "http://127.0.0.1:\(freeLocalPort())"]) { $1 })
        try createUser("fallback@search.test", roles: ["support"])
        staff = StaffClient(bearer: try personalToken("fallback@search.test"))
        let response = try await post(hub, body: ndjson(5, idPrefix: "fb"), token: try createToken())
        XCTAssertEqual(response.status, 202)
        let pool = try mongoPool()
        try await eventually(timeout: .seconds(30), "MongoDB holds the events") { try await mongoCount(pool) == 5 }
        let answer = try await send(hub, .get, "/api/v1/logs/search?q=shop:42", as: staff)
        XCTAssertEqual(answer.status, 200, answer.bodyText)
        XCTAssertEqual(try json(answer)["backend"], "mongodb")
        XCTAssertEqual(try json(answer)["hits"]?.arrayValue?.count, 5)
    }

    func testWalkingTwentyThousandHitsGivesEachOnceInOrderOnBothBackends() async throws {
        let hub = try await startSearchHub()
        let base = Int64(Date().timeIntervalSince1970 * 1000) - 60 * 60_000
        // Seven events per millisecond: the pages must cut through ties without losing or repeating one.
        let lines = (0..<20_000).map { n in
            #"{"@timestamp":"\#(Timestamp.format(micros: (base + Int64(n / 7) * 100) * 1000))","event.id":"pg-\#(String(format: "%05d", (n * 7919) % 20_000))","message":"page walk","shop_id":\#(n % 3)}"#
        }
        try await ingest(hub, lines)
        let expected = (0..<20_000).map { n in (n / 7, String(format: "pg-%05d", (n * 7919) % 20_000)) }
            .sorted { $0 > $1 }.map(\.1)
        // On the search server the walk reads one point in time (osmem speaks OpenSearch's PIT).
        let first = try json(try await send(hub, .get, "/api/v1/logs/search?from=now-3h&size=1000&backend=elasticsearch", as: staff))
        XCTAssertEqual(Self.cursorParts(first["next_cursor"]?.stringValue ?? "").count, 3, "the cursor carries a point in time")
        for backend in ["elasticsearch", "mongodb"] {
            let walked = try await ids(hub, "page walk", backend: backend, size: 1000)
            XCTAssertEqual(walked.count, 20_000, backend)
            XCTAssertTrue(walked == expected, "\(backend): newest first, ties by event.id")
            XCTAssertEqual(Set(walked).count, 20_000, "\(backend): every hit once")
            let ascending = try await ids(hub, "shop:1", backend: backend, size: 777, order: "asc")
            XCTAssertEqual(ascending.count, (0..<20_000).filter { $0 % 3 == 1 }.count, backend)
            XCTAssertEqual(Set(ascending).count, ascending.count, backend)
        }
    }
}
