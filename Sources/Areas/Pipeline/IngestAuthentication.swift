import Hummingbird
import Identity

/// Checks an ingest token for every input the same way, before any body is read: a stranger's
/// 10 MiB costs nothing. Each input words the refusal in its own protocol.
struct IngestAuthentication {
    let tokens: IngestTokenStore

    struct Refusal: Error {
        let status: HTTPResponse.Status
        let code: String
        let message: String
        var headers: HTTPFields = [:]
    }

    func verify(_ secret: String?, howToSend: String) async -> Result<IngestToken, Refusal> {
        guard let secret else {
            return .failure(Refusal(status: .unauthorized, code: "missing_token", message: howToSend))
        }
        switch await tokens.verify(secret: secret) {
        case .unknown:
            return .failure(Refusal(status: .unauthorized, code: "invalid_token", message: "the ingest token is not known to this hub"))
        case .unavailable:
            return .failure(Refusal(status: .serviceUnavailable, code: "auth_unavailable",
                                    message: "the hub cannot check this token right now (its database is unreachable); retry after 5 s",
                                    headers: [.retryAfter: "5"]))
        case .revoked:
            return .failure(Refusal(status: .forbidden, code: "token_revoked", message: "the ingest token was revoked; ask an admin for a new one"))
        case .valid(let token):
            guard token.allows(.ingest) else {
                return .failure(Refusal(status: .forbidden, code: "missing_scope", message: "the token does not have the 'ingest' scope"))
            }
            return .success(token)
        }
    }
}
