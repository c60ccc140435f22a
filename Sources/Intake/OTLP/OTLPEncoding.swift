import Foundation

/// The two encodings of OTLP/HTTP, told by `Content-Type`; the answer uses the request's.
public enum OTLPEncoding: Sendable, Equatable {
    case protobuf
    case json

    /// `nil` for any other media type (the spec's 415).
    public init?(contentType: String?) {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch type {
        case "application/x-protobuf", "application/protobuf": self = .protobuf
        case "application/json": self = .json
        default: return nil
        }
    }

    public var contentType: String {
        switch self {
        case .protobuf: "application/x-protobuf"
        case .json: "application/json"
        }
    }
}
