import Crypto
import LogModel

/// One row of `operations_audit`: who did what to which operation, with CORE's answer, chained to
/// the row before it by SHA-256 so that a changed, removed or inserted row shows.
public struct AuditRecord: Sendable, Equatable {
    public var id: Int64
    /// Unix microseconds (an integer: a time's text form depends on the server's settings, a hash must not).
    public var atMicros: Int64
    public var operationID: Int64?
    /// `requested`, `approved`, `rejected`, `expired`, `sent`, `applied`, `failed`, `unknown`, `reconciled` …
    public var event: String
    public var actorID: Int64?
    public var actor: String
    public var shopID: String?
    public var operation: String
    /// The normalised parameters as JSON text.
    public var parameters: String
    public var approver: String?
    public var comment: String?
    public var coreStatus: Int?
    public var coreAnswer: String?
    public var previousHash: String
    public var hash: String

    public init(id: Int64, atMicros: Int64, operationID: Int64?, event: String, actorID: Int64?, actor: String, shopID: String?,
                operation: String, parameters: String, approver: String? = nil, comment: String? = nil, coreStatus: Int? = nil,
                coreAnswer: String? = nil, previousHash: String = AuditChain.genesis, hash: String = "") {
        self.id = id
        self.atMicros = atMicros
        self.operationID = operationID
        self.event = event
        self.actorID = actorID
        self.actor = actor
        self.shopID = shopID
        self.operation = operation
        self.parameters = parameters
        self.approver = approver
        self.comment = comment
        self.coreStatus = coreStatus
        self.coreAnswer = coreAnswer
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Every field but the hashes, as JSON with a fixed key order: the bytes that are hashed.
    public var canonicalContent: [UInt8] {
        let object: JSONValue = [
            "id": .int(id), "at": .int(atMicros), "operation_id": operationID.map(JSONValue.int) ?? .null, "event": .string(event),
            "actor_id": actorID.map(JSONValue.int) ?? .null, "actor": .string(actor), "shop_id": shopID.map(JSONValue.string) ?? .null,
            "operation": .string(operation), "parameters": .string(parameters), "approver": approver.map(JSONValue.string) ?? .null,
            "comment": comment.map(JSONValue.string) ?? .null, "core_status": coreStatus.map { .int(Int64($0)) } ?? .null,
            "core_answer": coreAnswer.map(JSONValue.string) ?? .null,
        ]
        return object.serialized()
    }
}

/// The hash chain: `hash = hex(SHA-256(previous_hash_hex || canonical_content))`, the first row's
/// previous hash being 64 zeros.
public enum AuditChain {
    public static let genesis = String(repeating: "0", count: 64)

    public static func hash(previous: String, content: [UInt8]) -> String {
        var sha = SHA256()
        sha.update(data: Array(previous.utf8))
        sha.update(data: content)
        return sha.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    /// `record` with `previousHash` and `hash` set to follow `previous`.
    public static func sealed(_ record: AuditRecord, after previous: String) -> AuditRecord {
        var sealed = record
        sealed.previousHash = previous
        sealed.hash = hash(previous: previous, content: record.canonicalContent)
        return sealed
    }

    /// Why a row breaks the chain.
    public enum Break: Sendable, Equatable, CustomStringConvertible {
        /// Its `previous_hash` is not the hash of the row before it (a row was removed, inserted or re-hashed).
        case previousHashMismatch(id: Int64, expected: String, found: String)
        /// Its content does not hash to its `hash` (the row was changed).
        case hashMismatch(id: Int64, expected: String, found: String)

        public var id: Int64 {
            switch self {
            case .previousHashMismatch(let id, _, _), .hashMismatch(let id, _, _): return id
            }
        }

        public var description: String {
            switch self {
            case .previousHashMismatch(let id, let expected, let found):
                return "row \(id): previous_hash is \(found) but the row before it hashes to \(expected) (a row was removed, inserted or changed)"
            case .hashMismatch(let id, let expected, let found):
                return "row \(id): its content hashes to \(expected) but the row says \(found) (the row was changed)"
            }
        }
    }

    /// Walks records in id order, carrying the previous row's hash; the first break, or nil.
    public struct Walker: Sendable {
        public private(set) var previous: String
        public private(set) var count = 0

        public init(previous: String = AuditChain.genesis) { self.previous = previous }

        public mutating func check(_ record: AuditRecord) -> Break? {
            if record.previousHash != previous {
                return .previousHashMismatch(id: record.id, expected: previous, found: record.previousHash)
            }
            let expected = AuditChain.hash(previous: previous, content: record.canonicalContent)
            if expected != record.hash { return .hashMismatch(id: record.id, expected: expected, found: record.hash) }
            previous = record.hash
            count += 1
            return nil
        }
    }
}
