/// Who is making a request, as the HTTP layer sees it after `Authenticator.resolveSession` or
/// `resolveBearer`: the user as stored now and what this request may do.
public struct StaffPrincipal: Sendable {
    public enum Credential: Sendable {
        /// A browser session: state-changing requests must carry its CSRF token.
        case session(StaffSession)
        /// `Authorization: Bearer dmp_pat_...`: no cookie, so no CSRF check.
        case personalToken(PersonalToken)
    }

    public let user: StaffUser
    public let credential: Credential
    /// The user's current permissions; for a token, only those among its scopes.
    public let permissions: Set<Permission>

    public init(user: StaffUser, credential: Credential) {
        self.user = user
        self.credential = credential
        switch credential {
        case .session: permissions = user.permissions
        case .personalToken(let token): permissions = user.permissions.intersection(token.scopes)
        }
    }

    public func allows(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// The session's CSRF token; nil for a bearer token (which needs none).
    public var csrfToken: String? {
        if case .session(let session) = credential { return session.csrfToken }
        return nil
    }

    /// True when a state-changing request with `presented` (the `X-CSRF-Token` header or form field)
    /// may go ahead: always for a bearer token, for a session only with its token (constant time).
    public func acceptsCSRFToken(_ presented: String?) -> Bool {
        switch credential {
        case .personalToken: true
        case .session(let session): CSRFToken.matches(presented, expected: session.csrfToken)
        }
    }
}
