/// A reader of the spool that a module asks the hub to open for it.
public struct SpoolConsumer: Sendable, Equatable {
    /// The cursor's name: also the metrics label and the dead-letter `sink` field.
    public let name: String

    public init(name: String) {
        self.name = name
    }
}
