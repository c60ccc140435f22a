// The intake's CPU path without HTTP or disk, for profiling: decode an NDJSON body, normalise and
// redact every event and write its framed spool record, as `POST /api/v1/logs` does between
// receiving the body and appending to the spool. Run under callgrind by `scripts/bench callgrind`; instruction
// counts are repeatable on a busy machine where seconds are not.
//
//   intake-bench pipeline BODY [ROUNDS]   ROUNDS passes over BODY (default 3); prints events/s
//   intake-bench peek BODY [ROUNDS]       what a best-effort reader (alerting, the live tail) does for a
//                                         record it skips: the header's layout and the level and service
//                                         peeks, ROUNDS × 100 passes over BODY's spool records
//   intake-bench alerting BODY [ROUNDS] [peek|shed]
//                                         alerting's path for every record, as the evaluator takes it
//                                         with `scripts/bench --with-areas`' routes and rules: skip by
//                                         the record's level and service, else decode, parse, match the
//                                         rules and routes, fingerprint and group; ROUNDS × 10 passes
//                                         over BODY's spool records, in batches of 20 passes (the
//                                         evaluator's batch under load). `peek`: find the level and service
//                                         in the document, as for records written before the header
//                                         held them. `shed`: as the evaluator does far behind the
//                                         spool (`alerting.shed_below: error`)
//   intake-bench crc BODY [ROUNDS]        CRC-32C over each of BODY's spool records, ROUNDS × 100
//                                         passes (default 3): nanoseconds per record, as the spool's
//                                         append and every reader pay it (seconds, not for callgrind)
//   intake-bench read BODY [COPIES] [PASSES]
//                                         a best-effort reader's cost per record: BODY's spool records
//                                         appended COPIES times (default 60) to a spool in a temporary
//                                         directory, then read PASSES times (default 3) each way,
//                                         alternated: an array per record, and into a `SpoolBatch`
//                                         (one buffer per read), with each record's layout, in reads
//                                         of 1,500 records / 1 MB as the readers do (BENCH_READ_RECORDS,
//                                         BENCH_READ_BYTES for others); prints
//                                         nanoseconds per record (seconds only: valgrind 3.19 stops
//                                         with an internal error on the spool's threads)
//   intake-bench records BODY OUT         writes each stored document as one line, for checking that
//                                         an optimisation leaves the stored bytes unchanged (the
//                                         receive time is fixed; hub-made event ids are random)
import Alerting
import Foundation
import Intake
import LogModel
import NIOCore
import Spool
import Transforms

let arguments = CommandLine.arguments
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("intake-bench: \(message)\n".utf8))
    exit(2)
}
guard arguments.count >= 3, let body = FileManager.default.contents(atPath: arguments[2]) else {
    fail("usage: intake-bench pipeline|peek|alerting|crc BODY [ROUNDS] | intake-bench read BODY [COPIES] [PASSES] | intake-bench records BODY OUT")
}
let buffer = ByteBuffer(bytes: body)
let normalizer = EventNormalizer()
// 2030-01-01T00:00:00Z: later than the benchmark bodies' timestamps, so none is "in the future".
let fixedReceiveTime: Int64 = 1_893_456_000_000_000

func decode(_ context: IngestContext) -> IngestBatch {
    do {
        return try BodyDecoder.decodeAndNormalize(buffer, contentType: "application/x-ndjson", contentEncoding: nil,
                                                  normalizer: normalizer, context: context)
    } catch {
        fail("the body was refused: \(error)")
    }
}

switch arguments[1] {
case "pipeline":
    let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
    var events = 0, bytes = 0
    let start = ContinuousClock.now
    for _ in 0..<rounds {
        // As the intake does: each event's record framed into the request's buffer as soon as it is normalised.
        var frames = SpoolFrames(reservingCapacity: buffer.readableBytes * 2)
        let batch: IngestBatch
        do {
            batch = try BodyDecoder.decodeAndNormalize(
                buffer, contentType: "application/x-ndjson", contentEncoding: nil, normalizer: normalizer,
                context: IngestContext(serviceName: "bench", clientAddress: "127.0.0.1")
            ) { event in frames.appendRecord { event.writeSpoolRecord(into: &$0) } }
        } catch {
            fail("the body was refused: \(error)")
        }
        if batch.rejected > 0 { fail("\(batch.rejected) events were rejected: \(batch.errors.prefix(3))") }
        bytes += frames.bytes.count
        events += frames.count
    }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    print("events=\(events) framed_bytes=\(bytes) seconds=\(String(format: "%.3f", seconds))"
        + " events_per_s=\(Int(Double(events) / seconds))")
case "peek":
    let rounds = (arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3) * 100
    let records = decode(IngestContext(serviceName: "bench", clientAddress: "127.0.0.1")).events.map { $0.spoolRecord() }
    var levels = 0, services = 0
    let start = ContinuousClock.now
    for _ in 0..<rounds {
        for record in records {
            guard let layout = try? SpooledEvent.layout(of: record), layout.target.isEmpty else { fail("a record without a layout") }
            if LevelPeek.level(in: record) != nil { levels += 1 }
            if LevelPeek.serviceName(in: record) != nil { services += 1 }
        }
    }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    print("records=\(records.count * rounds) levels=\(levels) services=\(services) seconds=\(String(format: "%.3f", seconds))")
case "alerting":
    let rounds = (arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3) * 10
    let fromHeader = arguments.count <= 4 || arguments[4] != "peek"
    let shedBelow: Level? = arguments.count > 4 && arguments[4] == "shed" ? .error : nil
    let records = decode(IngestContext(serviceName: "bench", clientAddress: "127.0.0.1")).events.map { $0.spoolRecord() }
    let (route, rules) = BenchAlerting.routesAndRules()
    var parsed = 0, routed = 0, groups = Set<String>()
    let start = ContinuousClock.now
    // The evaluator's batches under load: 20 passes (20,000 records) each.
    var prefilter = AlertPrefilter(route: route, rules: rules)
    var digests = DigestMemo()
    var keys = JSONKeyReuse()
    let wanted = AlertEvent.membersRead(route: route, rules: rules)
    for pass in 0..<rounds {
        if pass % 20 == 0 {
            (prefilter, digests, keys) = (AlertPrefilter(route: route, rules: rules), DigestMemo(), JSONKeyReuse())
            prefilter.shedBelow = shedBelow
        }
        for record in records {
            guard let layout = try? SpooledEvent.layout(of: record),
                  prefilter.mayConcern(record, layout: fromHeader ? layout : nil),
                  layout.isMeant(for: "alerting", in: record) else { continue }
            guard let document = try? layout.parseDocument(in: record, reusingKeys: keys, keeping: wanted) else { fail("a record that does not parse") }
            parsed += 1
            let event = AlertEvent(document: document, id: layout.id(in: record), timestampMillis: layout.timestampMillis)
            let isShed = shedBelow.map { event.level < $0 } ?? false
            for index in rules.indices where rules[index].matches(event) {
                let rule = rules[index]
                if isShed, rule.kind != .absence { continue }
                if rule.kind == .absence { prefilter.settle(rule: index) }
                groups.insert(rule.name + "\u{0}" + rule.key(for: event))  // as the evaluator keys its counts
            }
            if isShed { continue }
            var fingerprint: String?
            route.forEachMatch(of: event) { match in
                guard !match.receiver.isEmpty else { return }
                if fingerprint == nil { routed += 1 }
                let print = fingerprint ?? Fingerprint.of(event, memo: &digests)
                fingerprint = print
                groups.insert(match.groupKey(for: event, fingerprint: print, memo: &digests))
            }
        }
    }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    print("records=\(records.count * rounds) parsed=\(parsed) routed=\(routed) groups=\(groups.count)"
        + " seconds=\(String(format: "%.3f", seconds))")
case "crc":
    let rounds = (arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3) * 100
    let records = decode(IngestContext(serviceName: "bench", clientAddress: "127.0.0.1")).events.map { $0.spoolRecord() }
    var crc: UInt32 = 0
    let start = ContinuousClock.now
    for _ in 0..<rounds {
        for record in records { crc &+= record.withUnsafeBytes { CRC32C.checksum($0) } }
    }
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    let count = records.count * rounds, bytes = records.reduce(0) { $0 + $1.count } * rounds
    print("records=\(count) mean_bytes=\(bytes / max(count, 1)) hardware=\(CRC32C.usesHardware)"
        + " ns_per_record=\(String(format: "%.1f", seconds * 1e9 / Double(count)))"
        + " GB_per_s=\(String(format: "%.2f", Double(bytes) / seconds / 1e9)) sum=\(crc)")
case "read":
    let copies = arguments.count > 3 ? Int(arguments[3]) ?? 60 : 60
    let passes = arguments.count > 4 ? Int(arguments[4]) ?? 3 : 3
    let records = decode(IngestContext(serviceName: "bench", clientAddress: "127.0.0.1")).events.map { $0.spoolRecord() }
    await BenchSpoolRead.run(records: records, copies: copies, passes: passes)
case "records":
    guard arguments.count == 4 else { fail("usage: intake-bench records BODY OUT") }
    let batch = decode(IngestContext(serviceName: "bench", clientAddress: "127.0.0.1", receivedAtMicros: fixedReceiveTime))
    var out = [UInt8]()
    for event in batch.events {
        event.writeDocument(into: &out)
        out.append(0x0A)
    }
    for error in batch.errors { out.append(contentsOf: Array("rejected \(error)\n".utf8)) }
    guard FileManager.default.createFile(atPath: arguments[3], contents: Data(out)) else { fail("cannot write \(arguments[3])") }
default:
    fail("unknown mode \(arguments[1]); use pipeline, peek, alerting, crc, read or records")
}
