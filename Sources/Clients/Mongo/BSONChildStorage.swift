internal import CMongoC

/// Aligned `bson_t` storage for the children of one document being written, one slot per nesting
/// depth (a child at depth n is finished before the next child at depth n starts), freed with the
/// writer. `bson_append_document_begin` needs uninitialised 128-byte-aligned storage Swift cannot make.
final class BSONChildStorage {
    private var slots: [OpaquePointer] = []

    deinit {
        for slot in slots { cmongoc_storage_free(UnsafeMutableRawPointer(slot)) }
    }

    func child(at depth: Int) throws(BSONEncodingError) -> OpaquePointer {
        while slots.count <= depth {
            guard let storage = cmongoc_bson_storage_alloc() else { throw .tooLarge(path: "") }
            slots.append(storage)
        }
        return slots[depth]
    }
}
