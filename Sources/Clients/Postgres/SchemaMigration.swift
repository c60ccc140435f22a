/// One step of the PostgreSQL schema, declared by the area that owns its tables, beside the code
/// that uses them. Versions are unique across the hub; each area keeps to its own hundred
/// (identity 1 and 100-199, pipeline 2 and 200-299, search 300-399, alerting 400-499,
/// operations 500-599) so areas never collide. A released migration is never edited: add a new one.
public struct SchemaMigration: Sendable, Equatable {
    public let version: Int
    public let name: String
    /// Each string is one SQL statement, run in order inside the migration's transaction.
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
