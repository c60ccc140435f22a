import HubKit
import Hummingbird
import Logging

/// Elasticsearch first; MongoDB when Elasticsearch is not configured or cannot be reached
/// (the answer then says `"backend": "mongodb"`). Any other Elasticsearch error is the answer:
/// falling back on a query error would hide it behind different semantics.
struct SearchBackends: Sendable {
    let primary: (any SearchBackend)?
    let fallback: (any SearchBackend)?
    let logger: Logger

    func backend(named name: String) -> (any SearchBackend)? {
        [primary, fallback].compactMap { $0 }.first { $0.name == name }
    }

    var isConfigured: Bool { primary != nil || fallback != nil }

    /// `only`: a backend named by the request (`backend=mongodb`), used alone, without fallback.
    func run<T: Sendable>(only: String? = nil, _ body: (any SearchBackend) async throws -> T) async throws -> (T, String) {
        if let only {
            guard let chosen = [primary, fallback].compactMap({ $0 }).first(where: { $0.name == only }) else {
                throw Refusal.json(.badRequest, "invalid_backend", "backend '\(only)' is not configured")
            }
            do { return (try await body(chosen), chosen.name) } catch let error as BackendError {
                throw Refusal.json(error.unreachable ? .serviceUnavailable : .badGateway, "search_failed", error.description)
            }
        }
        guard let first = primary ?? fallback else {
            throw Refusal.json(.serviceUnavailable, "no_search_backend", "neither Elasticsearch nor MongoDB is configured")
        }
        do {
            return (try await body(first), first.name)
        } catch let error as BackendError where error.unreachable && primary != nil && fallback != nil {
            logger.warning("search falls back to MongoDB", metadata: ["error": "\(error)"])
            guard let fallback else { throw error }
            do { return (try await body(fallback), fallback.name) } catch let second as BackendError {
                throw Refusal.json(.serviceUnavailable, "search_unavailable", "\(error); \(second)")
            }
        } catch let error as BackendError {
            throw Refusal.json(error.unreachable ? .serviceUnavailable : .badGateway, "search_failed", error.description)
        }
    }
}
