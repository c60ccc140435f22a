import LogModel

/// `event.id` as the normaliser decided it: the client's id, or a generated UUIDv7 kept as its
/// 128 bits and written as text only where it is stored (the document and the spool record's
/// header), so that most events never make a `String` of their id.
enum StoredEventID: Sendable, Equatable {
    /// Checked to be 1–64 `[A-Za-z0-9_-]` (``EventID/isValidClientID(_:)``).
    case client(String)
    case generated(UUIDv7)

    var text: String {
        switch self {
        case .client(let id): id
        case .generated(let id): id.text
        }
    }

    /// Neither form needs escaping.
    func write(into out: inout JSONByteBuffer) {
        switch self {
        case .client(let id): out.appendPlainString(id)
        case .generated(let id): out.appendUUID(id)
        }
    }

    static func == (lhs: StoredEventID, rhs: StoredEventID) -> Bool { lhs.text == rhs.text }
}
