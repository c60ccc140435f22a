import ClientHTTP
import Foundation
import LogModel
import TestSupport
import XCTest

/// Live tail over Server-Sent Events, fed from the intake (no store is configured here at all).
final class SearchTailTests: StaffTestCase {
    func event(_ id: String, shop: Int, message: String = "tail test") -> [UInt8] {
        Array(#"{"event.id":"\#(id)","shop_id":\#(shop),"message":"\#(message)","level":"warning"}"#.utf8 + [10])
    }

    func testIngestedEventsArriveWithinASecondAndResumeWithLastEventID() async throws {
        let (hub, bearer, ingest) = try await startTailHub(user: "tail@search.test")
        let client = try openTail(hub, query: "shop:42", bearer: bearer)

        var lastID = ""
        for n in 0..<3 {
            _ = try await post(hub, body: event("other-\(n)", shop: 7), token: ingest)
            let posted = Date()
            let accepted = try await post(hub, body: event("tail-\(n)", shop: 42), token: ingest)
            XCTAssertEqual(accepted.status, 202)
            let frame = try XCTUnwrap(try client.nextEvent(containing: "tail-\(n)", timeout: 5), "event \(n) did not arrive")
            let latency = Date().timeIntervalSince(posted)
            XCTAssertLessThan(latency, 1.0, "event \(n) took \(latency) s")
            XCTAssertFalse(frame.data.contains("other-"), "only matching events")
            XCTAssertEqual(try JSONParser.parse(frame.data)["labels"]?["shop_id"], "42")
            lastID = frame.id ?? ""
            print("live tail latency \(Int(latency * 1000)) ms")
        }

        // Reconnecting with Last-Event-ID gets what was missed while away, then the live feed.
        let missed = (0..<3).map { "missed-\($0)" }
        for id in missed { _ = try await post(hub, body: event(id, shop: 42), token: ingest) }
        let resumed = try openTail(hub, query: "shop:42", bearer: bearer, lastEventID: lastID)
        for id in missed { XCTAssertNotNil(try resumed.nextEvent(containing: id, timeout: 3), "\(id) after resume") }

        // A bad query is refused before any stream opens; a token without logs.read too.
        let bad = try await send(hub, .get, "/api/v1/logs/tail?q=" + "shop:".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                                 as: StaffClient(bearer: bearer))
        XCTAssertEqual(bad.status, 400)
    }

    /// Two tails at once, one decided by the stored level alone (no parse) and one by a label: each
    /// gets exactly its events, in order, from the same batches.
    func testALevelTailAndALabelTailEachGetTheirEvents() async throws {
        let (hub, bearer, ingest) = try await startTailHub(user: "levels@search.test")
        let errors = try openTail(hub, query: "level:>=error", bearer: bearer)
        let shop = try openTail(hub, query: "shop:42", bearer: bearer)

        let levels = ["debug", "info", "warning", "error", "critical", "WARN", "fatal", "notice"]
        var body: [UInt8] = []
        var wantErrors: [String] = [], wantShop: [String] = []
        for n in 0..<40 {
            let level = levels[n % levels.count], shopID = n % 3 == 0 ? 42 : 7
            let id = "mixed-\(n)"
            body += Array(#"{"event.id":"\#(id)","shop_id":\#(shopID),"message":"m \#(n)","level":"\#(level)"}"#.utf8) + [10]
            if ["error", "critical", "fatal"].contains(level) { wantErrors.append(id) }
            if shopID == 42 { wantShop.append(id) }
        }
        let accepted = try await post(hub, body: body, token: ingest)
        XCTAssertEqual(accepted.status, 202)
        _ = try await post(hub, body: event("end-marker", shop: 42, message: "end"), token: ingest)
        _ = try await post(hub, body: Array(#"{"event.id":"end-error","message":"end","level":"error"}"#.utf8 + [10]), token: ingest)

        func ids(_ client: SSEClient, until marker: String) throws -> [String] {
            var seen: [String] = []
            while let frame = try client.nextFrame(timeout: 5) {
                guard frame.event == "event" else { continue }
                let id = try JSONParser.parse(frame.data)["event"]?["id"]?.stringValue ?? "?"
                if id == marker { return seen }
                seen.append(id)
            }
            XCTFail("\(marker) did not arrive")
            return seen
        }
        XCTAssertEqual(try ids(errors, until: "end-error"), wantErrors)
        XCTAssertEqual(try ids(shop, until: "end-marker"), wantShop)
    }

    /// A client that opens a tail and stops reading is cut loose with a marker, and intake keeps
    /// its pace: the same ingest is timed with and without such clients.
    func testAClientThatStopsReadingIsCutAndDoesNotSlowIntake() async throws {
        let (hub, bearer, ingest) = try await startTailHub(user: "slow@search.test")

        func ingestRound(_ tag: String) async throws -> Double {
            let started = Date()
            for batch in 0..<10 {
                let body = ndjson(1000, idPrefix: "\(tag)-\(batch)", extra: { _ in #","padding":"\#(String(repeating: "x", count: 3000))""# })
                let response = try await post(hub, body: body, token: ingest)
                XCTAssertEqual(response.status, 202)
            }
            return Date().timeIntervalSince(started)
        }
        _ = try await ingestRound("warmup")
        let baseline = try await ingestRound("baseline")
        var stuck: [SSEClient] = []
        for _ in 0..<3 {
            let client = try SSEClient(port: hub.port, path: "/api/v1/logs/tail", headers: ["Authorization": "Bearer \(bearer)"])
            stuck.append(client)
        }
        try await Task.sleep(for: .milliseconds(300))
        let withStuckClients = try await ingestRound("stuck")
        print("ingest of 10,000 events: \(Int(baseline * 1000)) ms without tails, \(Int(withStuckClients * 1000)) ms with 3 clients that stopped reading")
        XCTAssertLessThan(withStuckClients, max(baseline * 2, baseline + 1.0), "stuck tails must not slow intake")

        // The tails' reader waits at most 250 ms a read for a tail that sends nothing, so within a few
        // reads each stuck client's queue is full. Reading now, each finds the cut marker and then
        // the end of its stream.
        try await Task.sleep(for: .seconds(4))
        for client in stuck {
            let stream = String(decoding: try client.readAll(timeout: 30), as: UTF8.self)
            XCTAssertTrue(stream.hasPrefix("HTTP/1.1 200"), String(stream.prefix(200)))
            XCTAssertTrue(stream.contains("event: cut\ndata: {\"message\":\"the client read too slowly"),
                          "a client that stopped reading gets the cut marker; got \(stream.count) bytes, \(stream.components(separatedBy: "event: event").count - 1) events, ending \(stream.suffix(300))")
            XCTAssertLessThan(stream.components(separatedBy: "event: event").count, 10_000, "it was cut before the end")
        }
    }

    /// A client that reads steadily is not cut while the tail's reader catches up with a burst: the
    /// reader waits for the client's queue to drain below half instead of offering events far faster
    /// than any client reads (under 550k events/s, `level:>=error` tails were cut this way).
    func testASteadyClientIsNotCutWhileTheReaderCatchesUpWithABurst() async throws {
        let (hub, bearer, ingest) = try await startTailHub(user: "burst@search.test")
        let client = try openTail(hub, query: "level:>=error", bearer: bearer)
        struct Reading: @unchecked Sendable { let client: SSEClient }
        let reading = Reading(client: client)
        let reader = Task.detached { () throws -> (events: Int, cut: String?) in
            var events = 0
            while let frame = try reading.client.nextFrame(timeout: 20) {
                if frame.event == "cut" { return (events, frame.data) }
                guard frame.event == "event" else { continue }
                if frame.data.contains("end-of-burst") { return (events, nil) }
                events += 1
            }
            return (events, "the stream went quiet")
        }
        // 12,000 errors of ~2 KB, 4,000 a request: each commit puts the reader twice the queue's
        // capacity behind, and the 24 MB are more than the sockets' buffers hold.
        for round in 0..<3 {
            let body = ndjson(4000, idPrefix: "burst-\(round)", extra: { _ in #","padding":"\#(String(repeating: "y", count: 2000))""# })
            let accepted = try await post(hub, body: body, token: ingest)
            XCTAssertEqual(accepted.status, 202)
        }
        _ = try await post(hub, body: Array(#"{"event.id":"end-of-burst","message":"end","level":"error"}"#.utf8 + [10]), token: ingest)
        let (events, cut) = try await reader.value
        XCTAssertNil(cut, "a client that reads steadily is not cut")
        XCTAssertEqual(events, 12_000, "every error of the burst, none skipped")
    }

    /// An 8 MiB spool of 256 KiB segments: the tail reader's lag bound is 7.5 MiB, so one request of
    /// ~8.1 MB puts it past the bound (events up to 64 KiB, as segments must hold two).
    static let smallSpool = [
        "ADMIN_SPOOL_SEGMENT_BYTES": "262144", "ADMIN_SPOOL_MAX_BYTES": "8388608", "ADMIN_INTAKE_MAX_EVENT_BYTES": "65536",
    ]

    /// When the spool moves the tail's reader past events it had not read (it lagged past its bound,
    /// here 7.5 MiB on an 8 MiB spool), every open tail is told with a `gap` frame before the next
    /// events, whatever its query, instead of missing them silently; and so is a tail that resumes
    /// with `Last-Event-ID` from before the skip. The reader is made to lag for real: three more tails
    /// with a query of 400 words each, which it checks in every event's kilobyte message, make it far
    /// slower than the intake (a reader that keeps up is not skipped, whatever its saved cursor). They
    /// close after the burst, and the reader, told by the next heartbeat, catches up at once.
    func testATailIsToldWhenItsReaderSkippedEvents() async throws {
        let settings = Self.fastHashing.merging(Self.smallSpool) { $1 }.merging(["ADMIN_SEARCH_TAIL_HEARTBEAT_SECONDS": "1"]) { $1 }
        let (hub, bearer, ingest) = try await startTailHub(user: "gap@search.test", extra: settings)
        let client = try openTail(hub, query: "message:marker", bearer: bearer)
        func marker(_ id: String) -> [UInt8] { Array(#"{"event.id":"\#(id)","message":"marker","level":"info"}"#.utf8 + [10]) }
        let manyWords = (0..<400).map { "zq\($0)" }.joined(separator: " OR ")
        var slowTails = try (0..<3).map { _ in try openTail(hub, query: manyWords, bearer: bearer) }

        _ = try await post(hub, body: marker("before"), token: ingest)
        let before = try XCTUnwrap(try client.nextEvent(containing: "before", timeout: 5), "the tail is caught up")
        // ~1,320-byte records, 150 a request (~0.2 MB: the bound leaves a quarter MiB free beside the
        // active segment): 52 requests are past the tail's 7.5 MiB bound, and fewer than the 10,000
        // events held for resuming.
        let padding = String(repeating: "x ", count: 500)
        for round in 0..<52 {
            var burst = ""
            for n in 0..<150 { burst += #"{"event.id":"burst-\#(round)-\#(n)","message":"burst \#(padding)","level":"info"}"# + "\n" }
            let posted = try await post(hub, body: Array(burst.utf8), token: ingest)
            XCTAssertEqual(posted.status, 202, posted.bodyText)
        }
        slowTails.removeAll()
        _ = try await post(hub, body: marker("after"), token: ingest)

        var frames: [SSEClient.Frame] = []
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline, !frames.contains(where: { $0.data.contains("after") }) {
            if let frame = try client.nextFrame(timeout: 1), !frame.isComment { frames.append(frame) }
        }
        let kinds = frames.map { $0.event ?? "" }
        XCTAssertTrue(kinds.count >= 2 && kinds.last == "event" && kinds.dropLast().allSatisfy { $0 == "gap" },
                      "gaps, then the event after the burst: \(kinds) \(frames.map(\.data))")
        let gaps = frames.filter { $0.event == "gap" }.map(\.data)
        for gap in gaps {
            XCTAssertTrue(gap.contains("the live tail fell behind the intake and skipped"), gap)
            XCTAssertFalse(gap.contains("skipped 0.0 MiB"), gap)
        }
        let skippedLine = try String(contentsOfFile: hub.logPath, encoding: .utf8).contains("its oldest records were skipped")
        XCTAssertTrue(skippedLine, "the spool logged the skip the tail reported")

        // A client that was away during the burst and resumes from its last event is told of the
        // same skip in its place, then gets the event after it (it was replayed without a word).
        let resumed = try openTail(hub, query: "message:marker", bearer: bearer, lastEventID: try XCTUnwrap(before.id))
        var replayed: [SSEClient.Frame] = []
        let replayDeadline = Date().addingTimeInterval(5)
        while Date() < replayDeadline, !replayed.contains(where: { $0.data.contains("after") }) {
            // Frames with an event type only (the stream opens with a `retry:` field of its own).
            if let frame = try resumed.nextFrame(timeout: 1), !frame.isComment, frame.event != nil { replayed.append(frame) }
        }
        XCTAssertEqual(replayed.map { $0.event ?? "" }, kinds, "the gaps, then the event after the burst: \(replayed.map(\.data))")
        XCTAssertEqual(replayed.filter { $0.event == "gap" }.map(\.data), gaps, "the stretches the open tail was told of")
    }

    /// An idle tail gets a heartbeat comment every `search.tail_heartbeat_seconds` (15 by default).
    func testAnIdleTailGetsHeartbeats() async throws {
        let (hub, bearer, _) = try await startTailHub(
            user: "idle@search.test", extra: Self.fastHashing.merging(["ADMIN_SEARCH_TAIL_HEARTBEAT_SECONDS": "1"]) { $1 })
        let client = try openTail(hub, query: "shop:42", bearer: bearer)
        var heartbeats = 0
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline, let frame = try client.nextFrame(timeout: deadline.timeIntervalSinceNow) {
            if frame.isComment { heartbeats += 1 }
        }
        XCTAssertGreaterThanOrEqual(heartbeats, 2, "about one heartbeat a second while nothing matches")
    }

    /// A hub with no store (the tail reads the intake's spool), a support user's bearer token for the
    /// tails, and an ingest token.
    private func startTailHub(user: String, extra: [String: String]? = nil) async throws -> (hub: HubProcess, bearer: String, ingest: String) {
        let hub = try await startHub(mongo: false, elasticsearch: false, extra: extra ?? Self.fastHashing)
        try createUser(user, roles: ["support"])
        return (hub, try personalToken(user), try createToken())
    }

    /// A live tail of `query` (empty: everything), its `200` head read; `lastEventID` resumes.
    private func openTail(_ hub: HubProcess, query: String = "", bearer: String, lastEventID: String? = nil,
                          file: StaticString = #filePath, line: UInt = #line) throws -> SSEClient {
        var headers = ["Authorization": "Bearer \(bearer)"]
        if let lastEventID { headers["Last-Event-ID"] = lastEventID }
        let path = query.isEmpty ? "/api/v1/logs/tail"
            : "/api/v1/logs/tail?q=" + query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let client = try SSEClient(port: hub.port, path: path, headers: headers)
        XCTAssertEqual(try client.readHead(), 200, "the tail of \(query)", file: file, line: line)
        return client
    }
}
