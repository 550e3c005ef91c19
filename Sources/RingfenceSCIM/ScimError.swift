/// A SCIM error response (RFC 7644 §3.12): the HTTP status, the `scimType` where the RFC
/// defines one, and a detail for people. Every failure of the SCIM service is one of these.
public struct ScimError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `scimType` values of RFC 7644 §3.12, table 9.
    public enum Kind: String, Sendable {
        case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue
        case invalidVers, sensitive
    }

    public var status: Int
    public var kind: Kind?
    public var detail: String

    public init(status: Int, kind: Kind? = nil, detail: String) {
        self.status = status
        self.kind = kind
        self.detail = detail
    }

    public var description: String { "\(status) \(kind?.rawValue ?? "-"): \(detail)" }

    public static func invalidSyntax(_ detail: String) -> ScimError {
        .init(status: 400, kind: .invalidSyntax, detail: detail)
    }
    public static func invalidFilter(_ detail: String) -> ScimError {
        .init(status: 400, kind: .invalidFilter, detail: detail)
    }
    public static func invalidValue(_ detail: String) -> ScimError {
        .init(status: 400, kind: .invalidValue, detail: detail)
    }
    public static func invalidPath(_ detail: String) -> ScimError {
        .init(status: 400, kind: .invalidPath, detail: detail)
    }
    public static func noTarget(_ detail: String) -> ScimError { .init(status: 400, kind: .noTarget, detail: detail) }
    public static func mutability(_ detail: String) -> ScimError {
        .init(status: 400, kind: .mutability, detail: detail)
    }
    public static func uniqueness(_ detail: String) -> ScimError {
        .init(status: 409, kind: .uniqueness, detail: detail)
    }
    public static func tooMany(_ detail: String) -> ScimError { .init(status: 400, kind: .tooMany, detail: detail) }
    public static func notFound(_ detail: String) -> ScimError { .init(status: 404, detail: detail) }
    public static func unauthorized(_ detail: String) -> ScimError { .init(status: 401, detail: detail) }

    /// The error as a response body (`urn:ietf:params:scim:api:messages:2.0:Error`; the
    /// status as a string, as the RFC's examples give it).
    public var body: ScimJSON {
        var members: [String: ScimJSON] = [
            "schemas": .array([.string(ScimSchema.error)]), "status": .string(String(status)),
            "detail": .string(detail),
        ]
        if let kind { members["scimType"] = .string(kind.rawValue) }
        return .object(members)
    }
}
