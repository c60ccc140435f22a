// The sinks' CPU path for a batch without the network, for profiling: what the MongoDB and
// Elasticsearch sinks do with a batch between reading it from the spool and the store's answer.
// Run under callgrind by `scripts/bench callgrind`; `scripts/bench delivery` measures the same sinks
// end to end against the null store.
//
//   sink-bench BODY [ROUNDS] [decode|mongo|es|answer]
//       BODY's events normalised into spool records as the intake writes them, then ROUNDS batches
//       (default 3) of those records through STEP (default mongo; see BenchDelivery.swift); prints
//       events/s. Its own executable, so that libmongoc's start-up does not enter intake-bench's counts.
import Foundation
import Intake
import LogModel
import NIOCore
import Transforms

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("sink-bench: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let body = FileManager.default.contents(atPath: arguments[1]) else {
    fail("usage: sink-bench BODY [ROUNDS] [decode|mongo|es|answer]")
}
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 3 : 3
let step = arguments.count > 3 ? arguments[3] : "mongo"
let batch: IngestBatch
do {
    batch = try BodyDecoder.decodeAndNormalize(ByteBuffer(bytes: body), contentType: "application/x-ndjson", contentEncoding: nil,
                                               normalizer: EventNormalizer(),
                                               context: IngestContext(serviceName: "bench", clientAddress: "127.0.0.1"))
} catch {
    fail("the body was refused: \(error)")
}
let records = batch.events.map { $0.spoolRecord() }
let start = ContinuousClock.now
let line = BenchDelivery.run(records: records, rounds: rounds, step: step)
let seconds = (ContinuousClock.now - start) / .seconds(1)
print(line + " seconds=\(String(format: "%.3f", seconds)) events_per_s=\(Int(Double(records.count * rounds) / seconds))")
