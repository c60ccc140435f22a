import ClientMongo
import LogModel
import SinkElasticsearch
import SinkMongoDB
import Sinks

/// `sink-bench BODY [ROUNDS] [STEP]`: what a sink does with a batch between reading it from
/// the spool and the store's answer, without the network — the delivery ceiling's CPU path
/// (`scripts/bench delivery` measures it against the null store). Each round is one batch: BODY's
/// spool records. STEP picks what is counted, so that callgrind can tell them apart:
///   decode   each record into a `SpooledEvent`, as the worker does for every batch
///   mongo    decode, then each event's BSON document (the MongoDB sink's `insert`)
///   es       decode, then the `_bulk` body (the Elasticsearch sink's request)
///   answer   the null store's answer to that `_bulk` read and classified item by item
enum BenchDelivery {
    static func run(records: [[UInt8]], rounds: Int, step: String) -> String {
        let answer = bulkAnswer(for: records)
        var checksum = 0
        for _ in 0..<rounds {
            if step == "answer" {
                guard let response = BulkResponse.parse(answer), response.items.count == records.count else { fail("the answer does not parse") }
                for item in response.items where BulkItemOutcome.classify(item, indexPrefix: "logs") == .stored { checksum += 1 }
                continue
            }
            let events = records.map { record -> SpooledEvent in
                guard let event = try? SpooledEvent(decoding: record) else { fail("a record that does not decode") }
                return event
            }
            switch step {
            case "decode":
                checksum += events.count
            case "mongo":
                // As the sink does: every document of the batch into one buffer.
                let scratch = BSONScratch()
                var batch = BSONBatch(reservingCapacity: events.count, bytes: events.reduce(0) { $0 + $1.json.count + 64 })
                for event in events {
                    guard MongoSink.appendDocument(for: event, to: &batch, scratch: scratch) else { fail("an event without a BSON document") }
                }
                checksum += batch.count
            case "es":
                for event in events where BulkRequestBody.problem(with: event) != nil { fail("an event the bulk body refuses") }
                checksum += BulkRequestBody.encode(events, indexPrefix: "logs").count
            default:
                fail("unknown delivery step \(step); use decode, mongo, es or answer")
            }
        }
        return "records=\(records.count * rounds) step=\(step) checksum=\(checksum)"
    }

    /// What Elasticsearch (and the null store) answer to a `_bulk` of `create`s that all went in.
    static func bulkAnswer(for records: [[UInt8]]) -> [UInt8] {
        var out = Array(#"{"took":3,"errors":false,"items":["#.utf8)
        for (n, record) in records.enumerated() {
            guard let event = try? SpooledEvent(decoding: record) else { fail("a record that does not decode") }
            if n > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"create":{"_index":"logs-2026.12.04","_id":""#.utf8) + Array(event.id.utf8)
            out += Array(#"","_version":1,"result":"created","_shards":{"total":1,"successful":1,"failed":0},"_seq_no":"#.utf8)
            out += Array("\(n)".utf8) + Array(#","_primary_term":1,"status":201}}"#.utf8)
        }
        out += Array("]}".utf8)
        return out
    }
}
