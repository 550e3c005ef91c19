import CLDAP

/// A failed LDAP operation, with libldap's result code and message.
public struct LDAPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done: "connect", "bind", "search", "start TLS", ...
    public var operation: String
    /// LDAP result code (RFC 4511) or libldap API error (negative).
    public var code: Int32
    /// libldap's text for the code, plus the server's diagnostic message if any.
    public var message: String

    /// Creates an error from a result code, looking up libldap's text for it.
    public init(operation: String, code: Int32, diagnostic: String? = nil) {
        self.operation = operation
        self.code = code
        let text = String(cString: ldap_err2string(code))
        if let diagnostic, !diagnostic.isEmpty {
            message = "\(text) (\(diagnostic))"
        } else {
            message = text
        }
    }

    /// Creates an error that did not come from libldap.
    public init(operation: String, message: String) {
        self.operation = operation
        self.code = LDAP_OTHER
        self.message = message
    }

    /// The server refused the credentials.
    public var isInvalidCredentials: Bool { code == 49 }
    /// The server could not be reached or the connection broke.
    public var isServerDown: Bool { code == LDAP_SERVER_DOWN || code == LDAP_CONNECT_ERROR || code == LDAP_TIMEOUT }
    /// The server stopped at its size limit (an unpaged search of a large directory).
    public var isSizeLimitExceeded: Bool { code == LDAP_SIZELIMIT_EXCEEDED }

    public var description: String { "LDAP \(operation) failed: \(message) [code \(code)]" }
}
