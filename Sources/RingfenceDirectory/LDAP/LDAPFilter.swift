/// Builds LDAP search filters with every value escaped as RFC 4515 requires.
///
/// Values from configuration or from the directory itself (a user name, a timestamp)
/// must never change the structure of a filter: `*)(uid=*` has to search for those
/// characters, not widen the search. `escape(_:)` turns `*`, `(`, `)`, `\` and NUL into
/// `\2a`, `\28`, `\29`, `\5c` and `\00` (RFC 4515, section 3), and every byte outside
/// printable ASCII into its `\XX` form, which keeps filters 7-bit clean.
public enum LDAPFilter {
    /// Escapes a value for use inside a filter's assertion value.
    public static func escape(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "*"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"), 0, 0x80...0xFF,
                0x01...0x1F, 0x7F:
                escaped += "\\" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            default:
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return escaped
    }

    /// `(attribute=value)` with the value escaped.
    public static func equals(_ attribute: String, _ value: String) -> String {
        "(\(attribute)=\(escape(value)))"
    }

    /// `(attribute>=value)` with the value escaped.
    public static func greaterOrEqual(_ attribute: String, _ value: String) -> String {
        "(\(attribute)>=\(escape(value)))"
    }

    /// `(&f1f2…)`; a single filter is returned as it is.
    public static func and(_ filters: [String]) -> String {
        filters.count == 1 ? filters[0] : "(&" + filters.joined() + ")"
    }
}
