import Foundation

/// This hub process as the other nodes and the status page see it.
public struct NodeIdentity: Sendable {
    /// New for every start: a restarted node is a new row (the old one goes stale, then away).
    public let id: String
    public let hostname: String
    public let version: String
    public let startedAt: Date

    public static func current(version: String) -> NodeIdentity {
        NodeIdentity(id: UUID().uuidString.lowercased(), hostname: ProcessInfo.processInfo.hostName, version: version, startedAt: Date())
    }

    public var uptimeSeconds: Int64 { Int64(Date().timeIntervalSince(startedAt)) }
}
