internal import CMongoC

/// The `mongoc_client_pool_t*` shared by the threads that run MongoDB calls.
///
/// `@unchecked Sendable` because it wraps a C pointer: libmongoc documents `mongoc_client_pool_t`
/// as thread-safe (pop/push from any thread). The clients it hands out are not, which is why they
/// never leave the one blocking call that popped them.
struct MongoPoolHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}
