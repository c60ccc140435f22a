/// One thing wrong with a configured catalog, named by its path (`operations.catalog[2].parameters[1].pattern`)
/// so the operator knows which line of the file to fix.
public struct CatalogProblem: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(_ path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
