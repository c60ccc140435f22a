/// One bad parameter of an operation request: `params.amount`, its code and human words.
public struct ParameterProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let parameter: String
    public let code: String
    public let message: String

    public init(_ parameter: String, _ code: String, _ message: String) {
        self.parameter = parameter
        self.code = code
        self.message = message
    }

    public var description: String { "params.\(parameter): \(message)" }
}

/// Every bad parameter of one request.
public struct ParameterProblems: Error, Sendable, Equatable {
    public let problems: [ParameterProblem]
    public init(_ problems: [ParameterProblem]) { self.problems = problems }
}
