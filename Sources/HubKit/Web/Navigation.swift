public import Identity
import Synchronization

/// One entry of the pages' header: a module declares its pages' links (`HubModule.navigation`),
/// and each is shown only to people holding its permission.
public struct NavigationLink: Sendable, Equatable {
    public let title: String
    public let path: String
    /// Nil: every signed-in person sees it.
    public let permission: Permission?

    public init(title: String, path: String, permission: Permission? = nil) {
        self.title = title
        self.path = path
        self.permission = permission
    }
}

/// The header links of every page, set once by the hub from its modules, in module order.
public enum Navigation {
    private static let registered = Mutex<[NavigationLink]>([])

    /// Called by the hub after building its modules (and by tests that render pages).
    public static func register(_ links: [NavigationLink]) {
        registered.withLock { $0 = links }
    }

    /// The links `principal` may follow, Home first.
    public static func links(for principal: StaffPrincipal) -> [NavigationLink] {
        let all = registered.withLock { $0 }
        return [NavigationLink(title: "Home", path: "/")] + all.filter { link in
            link.permission.map(principal.allows) ?? true
        }
    }
}
