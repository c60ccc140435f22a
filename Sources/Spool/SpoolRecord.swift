/// One record read from the spool.
public struct SpoolRecord: Sendable, Equatable {
    /// Global offset of the record.
    public var offset: UInt64
    /// Global offset just past it: pass this to `SpoolReader.commit(through:)` once it is delivered.
    public var nextOffset: UInt64
    /// The bytes given to `append`, unchanged.
    public var payload: [UInt8]

    public init(offset: UInt64, nextOffset: UInt64, payload: [UInt8]) {
        self.offset = offset
        self.nextOffset = nextOffset
        self.payload = payload
    }
}
