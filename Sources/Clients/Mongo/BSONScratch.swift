/// The buffers `JSONToBSON` writes one document at a time into, kept for a whole batch: one
/// allocation per batch instead of per document. Not shared between tasks.
public final class BSONScratch {
    var bytes: UnsafeMutablePointer<UInt8>
    var byteCapacity: Int
    var hashes: UnsafeMutablePointer<UInt64>
    var hashCapacity: Int

    public init() {
        byteCapacity = 4096
        bytes = .allocate(capacity: byteCapacity)
        hashCapacity = 64
        hashes = .allocate(capacity: hashCapacity)
    }

    deinit {
        bytes.deallocate()
        hashes.deallocate()
    }
}
