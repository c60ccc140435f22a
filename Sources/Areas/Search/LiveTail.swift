#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LogModel
import Logging
import Search
import Spool
import Synchronization

/// Feeds live tails from the intake: a best-effort (`drop_oldest`) spool consumer reads each event
/// as soon as the intake's group commit has made it durable (the reader wakes on the commit, no
/// polling of a store), and offers it to every open tail whose query matches. The intake never
/// waits for it: the spool lets this reader fall behind and skip, and each subscriber's queue is
/// bounded (see `TailSubscriber`). The most recent events are kept in memory so a client that
/// reconnects with `Last-Event-ID` resumes where it left off, as far back as they reach.
final class LiveTail: Sendable {
    static let consumerName = "search-tail"
    /// How far back a reconnecting client can resume (events, and bytes of their JSON).
    static let recentEvents = 10_000
    static let recentBytes = 32 << 20
    /// With no tail open for this long, nothing can resume any more: the reader stops reading events
    /// (each one a copy out of the spool) and only follows the spool's end.
    static let resumeWindow: Duration = .seconds(60)
    /// How often the idle reader catches up with the spool's end; a tail opened meanwhile is fed from
    /// the position of the last catch-up, so it misses nothing.
    static let idlePoll: Duration = .milliseconds(250)
    /// The least time between two reads of the spool while someone watches.
    static let readPace: Duration = .milliseconds(50)
    /// A read's bounds: a megabyte at a time, each read's records offered while they are still in
    /// the core's cache (`intake-bench read`: about half the cost per record of 16 MB reads).
    static let batchRecords = 1_500
    static let batchBytes = 1 << 20
    /// How long the reader waits for the tails' queues to drain below half before it reads more,
    /// and how long a tail may send nothing before the reader stops waiting for it (see
    /// `waitForTailsToDrain`).
    static let drainWait: Duration = .seconds(1)
    static let drainStall: Duration = .milliseconds(250)

    private let reader: SpoolReader
    private let logger: Logger
    /// `search.tail_heartbeat_seconds`.
    private let heartbeatInterval: Duration
    private let subscribers = Mutex<[ObjectIdentifier: TailSubscriber]>([:])
    private let recent = Mutex<RecentEvents>(RecentEvents())

    /// A spool record kept for resuming tails: where its JSON lies in the buffer of the read that
    /// brought it (shared with the batch's other records, not copied). A buffer lives while any of
    /// its records is held: at most one read's (`batchBytes`) beyond `recentBytes`.
    struct HeldEvent {
        var offset: UInt64
        var bytes: [UInt8]
        var jsonRange: Range<Int>
        var json: ArraySlice<UInt8> { bytes[jsonRange] }

        func parsed() -> JSONValue? {
            bytes.withUnsafeBytes { bytes in try? JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[jsonRange])) }
        }
    }

    struct RecentEvents {
        var events: [HeldEvent] = []
        var start = 0
        var bytes = 0
        /// The stretches of the spool the reader was moved past among the held events, oldest first:
        /// a tail resuming from before one is told of it in its place, as the open tails were.
        var skips: [Range<UInt64>] = []
        var live: ArraySlice<HeldEvent> { events[start...] }

        mutating func append(_ event: HeldEvent) {
            events.append(event)
            bytes += event.jsonRange.count
            guard events.count - start > LiveTail.recentEvents || bytes > LiveTail.recentBytes else { return }
            while events.count - start > LiveTail.recentEvents || bytes > LiveTail.recentBytes {
                bytes -= events[start].jsonRange.count
                start += 1
            }
            // A skip before the oldest held event is no one's to be told of: a resume from before it
            // is told that the events after its id are no longer held.
            if let oldest = events[start...].first?.offset, skips.first.map({ $0.upperBound <= oldest }) == true {
                skips.removeAll { $0.upperBound <= oldest }
            }
            if start > 4096 && start * 2 > events.count {
                events.removeFirst(start)
                start = 0
            }
        }
    }

    init(reader: SpoolReader, heartbeatInterval: Duration = .seconds(15), logger: Logger) {
        self.reader = reader
        self.heartbeatInterval = heartbeatInterval
        self.logger = logger
    }

    /// Registers a tail; with `lastEventID`, first replays the held events after it (or a `gap`
    /// marker when the ones right after it are gone), with a `gap` in its place for each stretch
    /// the reader skipped after it.
    func subscribe(_ matcher: QueryMatcher, lastEventID: UInt64?) -> TailSubscriber {
        let subscriber = TailSubscriber(matcher: matcher)
        // Under the lock of `recent`, so no event falls between the replay and the live feed.
        recent.withLock { recent in
            if let lastEventID {
                let held = recent.live
                var replay = held.filter { event in
                    event.offset > lastEventID && event.parsed().map(matcher.matches) == true
                }
                // Nothing held but the reader has moved past the id: those events were skipped unwatched.
                let missing = held.first.map { $0.offset > lastEventID && !held.contains { $0.offset == lastEventID } }
                    ?? (reader.readOffset > lastEventID)
                // A resume never fills the new queue by itself: at most half of it is replayed.
                let bound = TailSubscriber.capacity / 2
                var resumedFrom: UInt64?
                if missing || replay.count > bound {
                    replay = Array(replay.suffix(bound))
                    resumedFrom = replay.first?.offset ?? lastEventID
                    subscriber.offer(.gap("some events after \(lastEventID) are no longer held; resuming from \(resumedFrom!)"))
                }
                // The reader's skips after the client's last event, each told before the first event
                // after it (the notice above covers those before where the replay resumes).
                var skips = recent.skips.filter { $0.lowerBound > lastEventID && $0.upperBound > resumedFrom ?? 0 }[...]
                for event in replay {
                    while let skip = skips.first, skip.upperBound <= event.offset {
                        subscriber.offer(.gap(Self.skipMessage(skip)))
                        skips.removeFirst()
                    }
                    guard let json = Self.oneLine(event) else { continue }
                    subscriber.offer(.event(offset: event.offset, json: json))
                }
                for skip in skips { subscriber.offer(.gap(Self.skipMessage(skip))) }
            }
            subscribers.withLock { $0[ObjectIdentifier(subscriber)] = subscriber }
        }
        return subscriber
    }

    func unsubscribe(_ subscriber: TailSubscriber) {
        subscribers.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
        subscriber.finish()
    }

    var subscriberCount: Int { subscribers.withLock { $0.count } }

    /// The reading loop, run as one of the module's services until the hub stops.
    func run() async {
        let clock = ContinuousClock()
        var lastHeartbeat = clock.now
        var lastCommit = clock.now
        var lastWatched = clock.now - Self.resumeWindow
        var uncommitted: UInt64?
        var lastRead = clock.now
        // Recent events are held by their place in the read's buffer: a buffer per read, of its size.
        var batch = SpoolBatch(reusingBuffer: false)
        var following = false
        var behind = false
        while !Task.isCancelled {
            if subscriberCount > 0 { lastWatched = clock.now }
            let unwatched = clock.now - lastWatched >= Self.resumeWindow
            if unwatched != following {
                following = unwatched
                reader.follow(following)
            }
            if unwatched {
                try? await Task.sleep(for: Self.idlePoll)
                if let end = skipWhileUnwatched() { uncommitted = end }
            } else {
                // Under load the spool commits every few milliseconds: reading at most every
                // `readPace` takes the events in batches (fewer wake-ups) at a delay nobody sees.
                // Behind (a full batch), at once: paced, it could read at most 30,000 events/s.
                let due = lastRead + Self.readPace
                if !behind, clock.now < due { try? await Task.sleep(until: due, clock: clock) }
                await waitForTailsToDrain(clock: clock)
                lastRead = clock.now
                // Where this read should begin: past it, the spool moved this reader on (it lagged
                // past its bound, or a segment was quarantined) and the tails are told.
                let from = reader.readOffset
                do {
                    try await reader.read(into: &batch, maxRecords: Self.batchRecords, maxBytes: Self.batchBytes, wait: .seconds(1))
                } catch .closed {
                    return
                } catch {
                    logger.warning("live tail cannot read the spool", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                    continue
                }
                publish(batch, skipped: batch.firstOffset.flatMap { $0 > from ? from..<$0 : nil })
                behind = batch.count >= Self.batchRecords || batch.payloadBytes >= Self.batchBytes / 2
                if let next = batch.nextOffset { uncommitted = next }
            }
            let now = clock.now
            // The cursor only bounds what a restart re-reads: committing every few seconds is enough
            // and keeps this reader's fsyncs out of the intake's way.
            if let offset = uncommitted, now - lastCommit >= .seconds(5) {
                try? await reader.commit(through: offset)
                uncommitted = nil
                lastCommit = now
            }
            if now - lastHeartbeat >= heartbeatInterval {
                lastHeartbeat = now
                for subscriber in subscribers.withLock({ Array($0.values) }) { subscriber.offer(.heartbeat) }
            }
        }
    }

    /// Waits, up to `drainWait`, until every tail's queue is at most half full. A reader catching up
    /// offers a burst far faster than events arrive (under 550k events/s, a `level:>=error` tail got
    /// tens of thousands in a second), and a client reading steadily was cut for the reader's burst,
    /// not for its own slowness. Waiting is safe: this reader may lag, and past its bound the tails
    /// are told what it skipped. A tail that sends nothing for `drainStall` is not waited for: a
    /// client that stopped reading still fills its queue and is cut, without holding up the others.
    private func waitForTailsToDrain(clock: ContinuousClock) async {
        let deadline = clock.now + Self.drainWait
        var lastProgress = clock.now
        var sent = 0
        while clock.now < deadline, clock.now - lastProgress < Self.drainStall {
            let full = subscribers.withLock { $0.values.filter { $0.backlog > TailSubscriber.capacity / 2 } }
            guard !full.isEmpty else { return }
            let nowSent = full.reduce(0) { $0 + $1.sentMessages }
            if nowSent != sent { sent = nowSent; lastProgress = clock.now }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Follows the spool's end without reading, and forgets the held events (nobody can resume
    /// from them any more). Under the subscribers' lock, so a tail that opens meanwhile is either
    /// seen here (and nothing is skipped) or opens after the skip (and gets every later event).
    /// Returns the new read position, or nil when a tail is open.
    private func skipWhileUnwatched() -> UInt64? {
        recent.withLock { recent in
            subscribers.withLock { subscribers -> UInt64? in
                guard subscribers.isEmpty else { return nil }
                if !recent.events.isEmpty { recent = RecentEvents() }
                return reader.skipToCommittedEnd()
            }
        }
    }

    /// Server-Sent Events end a field at a newline: the JSON on one line (the intake writes compact
    /// JSON, so this is a guard, not a cost; memchr rather than a byte loop). A copy of its own: a
    /// slow client's queue then holds its events, not the buffers of the reads they came from.
    private static func oneLine(_ event: HeldEvent) -> ArraySlice<UInt8>? {
        let json = event.json
        let hasNewline = json.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, 0x0A, buffer.count) != nil
        }
        guard hasNewline else { return Array(json)[...] }
        return event.parsed().map { ArraySlice($0.serialized()) }
    }

    /// Holds a batch of records and offers each to the tails that match it. The tails are listed
    /// once per batch, under the lock of `recent` (a tail opening meanwhile waits for the batch and
    /// then sees it in its replay, or opened before and is listed: nothing falls between).
    private func publish(_ batch: SpoolBatch, skipped: Range<UInt64>?) {
        recent.withLock { recent in
            let listening = subscribers.withLock { Array($0.values) }
            // Said to every tail, whatever its query: the skipped events were not looked at.
            if let skipped {
                recent.skips.append(skipped)
                let gap = TailMessage.gap(Self.skipMessage(skipped))
                for subscriber in listening { subscriber.offer(gap) }
            }
            // Most tails ask for errors and most events are not: the level in the record's header
            // (or, in a record written without it, a byte peek into the document) skips them, and
            // decides outright for a tail whose query is a level alone (`level:>=error`).
            let floor = listening.lazy.map(\.matcher.minimumLevel).min() ?? .trace
            let peek = floor > .trace || listening.contains { $0.matcher.levels != nil }
            batch.withRecords { records in
                for record in records {
                    guard let layout = try? SpooledEvent.layout(of: record.payload), layout.target.isEmpty else { continue }
                    let event = HeldEvent(offset: record.offset, bytes: batch.bytes,
                                          jsonRange: (record.range.lowerBound + layout.jsonStart)..<record.range.upperBound)
                    recent.append(event)
                    // Matched only when someone listens: with no tail open this reader keeps a reference per event.
                    guard !listening.isEmpty else { continue }
                    let level = peek ? (layout.level ?? LevelPeek.level(in: record.payload, from: layout.jsonStart)) : nil
                    if let level, level < floor { continue }
                    offer(event, level: level, to: listening)
                }
            }
        }
    }

    /// What a tail is told when its reader was moved past events it had not read.
    static func skipMessage(_ skipped: Range<UInt64>) -> String {
        let tenths = (skipped.upperBound - skipped.lowerBound) * 10 / 1_048_576
        return "the live tail fell behind the intake and skipped \(tenths / 10).\(tenths % 10) MiB of events "
            + "(spool offsets \(skipped.lowerBound) to \(skipped.upperBound)); search still finds them once the stores have them"
    }

    /// `event` to each tail that matches it, parsed at most once (not at all when the peeked level
    /// decides for every tail).
    private func offer(_ event: HeldEvent, level: Level?, to listening: [TailSubscriber]) {
        var document: JSONValue??
        var line: ArraySlice<UInt8>?
        for subscriber in listening {
            let matched: Bool
            if let level, let levels = subscriber.matcher.levels {
                matched = levels.contains(level)
            } else {
                if document == nil { document = .some(event.parsed()) }
                guard let parsed = document ?? nil else { return }
                matched = subscriber.matcher.matches(parsed)
            }
            guard matched else { continue }
            if line == nil { line = Self.oneLine(event) }
            guard let line else { return }
            subscriber.offer(.event(offset: event.offset, json: line))
        }
    }
}
