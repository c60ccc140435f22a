public import LogModel

/// An event's labels (`labels.*` of the stored document, every value as text). Read where they lie
/// in the parsed document: a routed event's labels are looked up a few times (its own fingerprint,
/// `request_id`, a `labels.<name>` matcher or `group_by`), so building a dictionary of them per event
/// cost more than all the look-ups (~3,700 instructions, `intake-bench alerting`).
public struct AlertLabels: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private enum Storage: Sendable {
        case dictionary([String: String])
        /// The document's `labels` object; a member whose value is not a scalar is not a label.
        case object(JSONObject)
    }

    private let storage: Storage

    public init(_ labels: [String: String]) { storage = .dictionary(labels) }
    public init(object: JSONObject) { storage = .object(object) }
    public init(dictionaryLiteral elements: (String, String)...) {
        storage = .dictionary(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// The label's value; the last one when the document repeats the name (as a dictionary built
    /// member by member would hold).
    public subscript(name: String) -> String? {
        switch storage {
        case .dictionary(let labels):
            return labels[name]
        case .object(let object):
            var found: String?
            for member in object.members where member.key == name {
                if let text = member.value.scalarText { found = text }
            }
            return found
        }
    }

    /// Every label, by name.
    public var dictionary: [String: String] {
        switch storage {
        case .dictionary(let labels):
            return labels
        case .object(let object):
            var labels: [String: String] = [:]
            for member in object.members { if let text = member.value.scalarText { labels[member.key] = text } }
            return labels
        }
    }

    public static func == (lhs: AlertLabels, rhs: AlertLabels) -> Bool { lhs.dictionary == rhs.dictionary }
}
