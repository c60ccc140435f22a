import ClientHTTP
import Foundation
import LogModel
import Synchronization
import TestSupport
import XCTest

/// The spool's volume filling up before the spool's own bound: a 1 MiB tmpfs mounted as the spool
/// directory while Elasticsearch refuses writes, so nothing drains.
final class DiskFullTests: HubTestCase {
    func testFullSpoolVolumeAnswers503AndRecoversWithoutCorruption() async throws {
        let spoolDirectory = directory.path + "/data/spool"
        try FileManager.default.createDirectory(atPath: spoolDirectory, withIntermediateDirectories: true)
        try mountSmallVolume(at: spoolDirectory, size: "1m")
        defer { _ = try? run("/bin/umount", ["-l", spoolDirectory]) }

        let refusing = Mutex(true)
        let proxy = try await elasticsearchProxy { request in
            guard request.path.hasSuffix("/_bulk"), refusing.withLock({ $0 }) else { return nil }
            return .json(#"{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}"#, status: 503)
        }
        // The spool's own bound (64 MiB) is far above the volume: the disk is what fills.
        let settings = ["ADMIN_ELASTICSEARCH_URL": proxy.baseURL, "ADMIN_SPOOL_SEGMENT_BYTES": "65536",
                        "ADMIN_SPOOL_MAX_BYTES": "67108864", "ADMIN_INTAKE_MAX_EVENT_BYTES": "32768"]
        var hub = try await startHub(mongo: false, extra: settings)
        let token = try createToken()

        var accepted = 0
        var refusal: HTTPResponse?
        for batch in 0..<200 {
            let response = try await post(hub, body: ndjson(50, idPrefix: "fill", start: batch * 50, extra: { _ in Self.padding }), token: token)
            if response.status == 202 { accepted += 50; continue }
            refusal = response
            break
        }
        let full = try XCTUnwrap(refusal, "a 1 MiB volume should have filled before 200 batches")
        XCTAssertEqual(full.status, 503, full.bodyText)
        XCTAssertEqual(try json(full)["error"]?.stringValue, "spool_disk_full", full.bodyText)
        XCTAssertNotNil(full.headers["Retry-After"])
        XCTAssertGreaterThan(accepted, 500, "most of the volume should have been used before refusing")
        // Still up: the health page answers while the volume is full.
        let health = try await get(hub.baseURL + "/readyz")
        XCTAssertTrue([200, 503].contains(health.status), "readyz: \(health.status)")

        refusing.withLock { $0 = false }
        try await eventually(timeout: .seconds(90), "intake accepts again once Elasticsearch drains the spool") {
            try await post(hub, body: ndjson(50, idPrefix: "after", start: 0, extra: { _ in Self.padding }), token: token).status == 202
        }
        accepted += 50
        let expected = accepted
        try await eventually(timeout: .seconds(90), "every acknowledged event in Elasticsearch once") {
            try await elasticsearchCount() == expected
        }

        // No corruption: a restart on the same volume recovers the spool without quarantining anything.
        hub.stop()
        hub = try await restart(hub)
        let more = try await post(hub, body: ndjson(10, idPrefix: "restarted", start: 0), token: token)
        XCTAssertEqual(more.status, 202, more.bodyText)
        try await eventually(timeout: .seconds(60), "events after the restart delivered") {
            try await elasticsearchCount() == expected + 10
        }
        try await Task.sleep(for: .seconds(2))
        let total = try await elasticsearchCount()
        XCTAssertEqual(total, expected + 10, "nothing doubled by the refusals or the restart")
        let log = hubs.map { $0.tailOfLog(200_000) }.joined()
        XCTAssertFalse(log.contains("quarantin"), "no segment may be found corrupt after a full disk")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: spoolDirectory).filter { $0.contains("quarantine") }
        XCTAssertEqual(leftovers, [])
        await proxy.stop()
    }

    /// About 400 bytes per event, so that 1 MiB holds a few thousand.
    static let padding = #","note":""# + String(repeating: "x", count: 300) + #"""#

    /// Mounts a tmpfs of `size` at `path`. Needs root (CI runs as root); elsewhere the test says why it cannot run.
    private func mountSmallVolume(at path: String, size: String) throws {
        guard getuid() == 0 else {
            throw XCTSkip("mounting a small tmpfs for the spool needs root; run scripts/test as root")
        }
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
    }

    @discardableResult
    private func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "DiskFullTests", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)"])
        }
        return process.terminationStatus
    }
}
