public import LogModel

/// One index for `createIndexes`: ordered keys plus the options the hub uses.
public struct MongoIndex: Sendable, Equatable {
    /// One key of the index: a (dotted) field and its direction, 1 ascending or -1 descending.
    public struct Key: Sendable, Equatable {
        public var field: String
        public var direction: Int

        public init(_ field: String, _ direction: Int) {
            self.field = field
            self.direction = direction
        }
    }

    public var name: String
    public var keys: [Key]
    /// Leaves documents without the field out of the index (ids most events lack: `trace.id`, ...).
    public var sparse: Bool
    public var unique: Bool
    /// Makes this a TTL index: documents expire this many seconds after the (BSON date) field's value.
    /// TTL indexes must have exactly one key, and only BSON dates expire (strings never do).
    public var expireAfterSeconds: Int64?

    /// - Parameter name: defaults to MongoDB's own naming (`service.name_1_@timestamp_-1`).
    public init(name: String? = nil, keys: [Key], sparse: Bool = false, unique: Bool = false,
                expireAfterSeconds: Int64? = nil) {
        self.keys = keys
        self.name = name ?? keys.map { "\($0.field)_\($0.direction)" }.joined(separator: "_")
        self.sparse = sparse
        self.unique = unique
        self.expireAfterSeconds = expireAfterSeconds
    }

    /// The entry for the `indexes` array of the `createIndexes` command.
    public var specification: JSONValue {
        var key = JSONObject()
        for k in keys { key.append(k.field, .int(Int64(k.direction))) }
        var spec: JSONObject = ["key": .object(key), "name": .string(name)]
        if sparse { spec.append("sparse", true) }
        if unique { spec.append("unique", true) }
        if let expireAfterSeconds { spec.append("expireAfterSeconds", .int(expireAfterSeconds)) }
        return .object(spec)
    }
}
