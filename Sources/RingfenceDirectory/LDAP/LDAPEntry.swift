/// One directory entry as read from LDAP: its DN and raw attribute values.
///
/// Values are kept as bytes because LDAP does not promise UTF-8 (binary attributes,
/// misconfigured servers); callers decode with ``string(_:)`` / ``strings(_:)``, which
/// return nil for values that are not valid UTF-8 instead of mangling them.
/// Attribute names are matched case-insensitively, as LDAP does.
public struct LDAPEntry: Sendable, Hashable {
    /// Distinguished name.
    public var dn: String
    /// Attribute values by lowercased attribute name.
    public var attributes: [String: [[UInt8]]]

    /// Creates an entry.
    public init(dn: String, attributes: [String: [[UInt8]]]) {
        self.dn = dn
        self.attributes = Dictionary(attributes.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
    }

    /// All values of an attribute as bytes.
    public func values(_ name: String) -> [[UInt8]] {
        attributes[name.lowercased()] ?? []
    }

    /// All values of an attribute that are valid UTF-8.
    public func strings(_ name: String) -> [String] {
        values(name).compactMap { String(validating: $0, as: UTF8.self) }
    }

    /// The first value of an attribute, if present and valid UTF-8.
    public func string(_ name: String) -> String? {
        values(name).first.flatMap { String(validating: $0, as: UTF8.self) }
    }
}
