import ClientHTTP

/// One libcurl client for the whole test process.
public enum SharedHTTP {
    public static let client: HTTPClient = {
        do { return try HTTPClient() } catch { preconditionFailure("cannot start libcurl: \(error)") }
    }()
}
