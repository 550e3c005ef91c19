/// An LDAP distinguished name, parsed (RFC 4514) and normalized so that two spellings of
/// one DN compare equal: `cn=O'Brien\+Ops,ou=Groups,dc=example,dc=com`,
/// `CN=O'Brien\2BOps, OU=groups,DC=Example,DC=com` and `2.5.4.3=o'brien\+ops,…` are one
/// name.
///
/// Pure. What is normalized:
/// - attribute types are case-folded, and the usual ones written as OIDs (`2.5.4.3`,
///   `OID.2.5.4.3`) or by their long names (`commonName`) become their short names (`cn`);
/// - values are unescaped (`\,`, `\+`, `\2B`, hex-escaped UTF-8 such as `\C3\BC`), quoted
///   values (RFC 1779) are read, and unescaped spaces around `,`, `+` and `=` are ignored;
/// - values of the usual naming attributes (cn, ou, o, dc, uid, c, l, st, street, mail, sn,
///   givenName, title, serialNumber) are compared as their matching rule
///   `caseIgnoreMatch` says: case-folded, with leading and trailing spaces removed and
///   inner runs of spaces collapsed (RFC 4518's insignificant space handling). Values of
///   other attribute types are compared exactly, so two DNs that may differ are never
///   taken for one;
/// - the attribute-value pairs of a multi-valued RDN (`cn=a+uid=b`) are compared as a set;
/// - `#…` values (BER, hex) are compared as their bytes.
///
/// ``key`` is the normalized form as RFC 4514 text: use it wherever a DN is stored or
/// looked up as a key (the sync's member resolution, `directory_users.dn_key`).
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// One `type=value` of an RDN, normalized.
    public struct Attribute: Sendable, Hashable, Comparable {
        /// The canonical type: a lower-cased short name (`cn`) or a numeric OID.
        public let type: String
        /// The value as compared: case-folded and space-normalized for case-insensitive
        /// types, as written (unescaped) otherwise; lower-case hex for BER values.
        public let value: String
        /// The value was written `#…`: BER bytes in hex, not a string.
        public let isBER: Bool

        init(type: String, value: String, isBER: Bool = false) {
            self.type = type
            self.value = value
            self.isBER = isBER
        }

        public static func < (lhs: Attribute, rhs: Attribute) -> Bool {
            (lhs.type, lhs.isBER ? 1 : 0, lhs.value) < (rhs.type, rhs.isBER ? 1 : 0, rhs.value)
        }
    }

    /// The RDNs, leaf first (as written), each with its attributes sorted.
    public let rdns: [[Attribute]]

    /// Parses `text`; throws a `DistinguishedNameError` that says where it is not a DN.
    /// The empty string is the empty DN (the root).
    public init(_ text: String) throws(DistinguishedNameError) {
        var parser = Parser(bytes: Array(text.utf8))
        rdns = try parser.parse()
    }

    /// The DN's normalized RFC 4514 form: equal DNs have equal keys.
    public var key: String {
        rdns.map { rdn in
            rdn.map { "\($0.type)=\($0.isBER ? "#" + $0.value : Self.escape($0.value))" }.joined(separator: "+")
        }
        .joined(separator: ",")
    }

    public var description: String { key }

    /// The normalized key of `text`, or nil when it is not a DN. Plain DNs (ASCII, no
    /// escapes, quotes, spaces or multi-valued RDNs — most member values) take a fast path
    /// that gives the same key without building the parsed form.
    public static func key(_ text: String) -> String? {
        if let key = plainKey(text) { return key }
        return (try? DistinguishedName(text))?.key
    }

    /// The key of a group reference of a mapping or role group — a group's name or its DN —
    /// when it is a DN (it has an `=` and parses); nil for a name.
    public static func key(groupReference reference: String) -> String? {
        reference.contains("=") ? key(reference) : nil
    }

    /// The key of a plain DN, or nil when `text` needs the full parser.
    static func plainKey(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard !bytes.isEmpty else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let typeStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: "=") {
                    let byte = bytes[index]
                    guard byte.isLetterOrDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else {
                        return nil
                    }
                    index += 1
                }
                guard index > typeStart, index < bytes.count else { return nil }
                let type = canonicalType(String(decoding: bytes[typeStart..<index], as: UTF8.self))
                let foldsCase = caseIgnoring.contains(type)
                out += type.utf8
                out.append(UInt8(ascii: "="))
                index += 1
                let valueStart = index
                while index < bytes.count, bytes[index] != UInt8(ascii: ",") {
                    var byte = bytes[index]
                    switch byte {
                    case 0, 0x20, 0x80...0xFF, UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "+"),
                        UInt8(ascii: ";"), UInt8(ascii: "<"), UInt8(ascii: ">"):
                        return nil
                    case UInt8(ascii: "#") where index == valueStart:
                        return nil
                    case UInt8(ascii: "A")...UInt8(ascii: "Z") where foldsCase:
                        byte |= 0x20
                    default:
                        break
                    }
                    out.append(byte)
                    index += 1
                }
                guard index > valueStart else { return nil }
                if index < bytes.count {
                    out.append(UInt8(ascii: ","))
                    index += 1
                    guard index < bytes.count else { return nil }
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The DN one level up (nil for the root).
    public var parent: DistinguishedName? {
        rdns.isEmpty ? nil : DistinguishedName(rdns: Array(rdns.dropFirst()))
    }

    /// True when `self` is `other` or lies below it.
    public func isWithin(_ other: DistinguishedName) -> Bool {
        rdns.count >= other.rdns.count && Array(rdns.suffix(other.rdns.count)) == other.rdns
    }

    private init(rdns: [[Attribute]]) { self.rdns = rdns }

    // MARK: - Attribute types and their matching

    /// OIDs and long names of the usual naming attributes → their short names.
    static let aliases: [String: String] = [
        "2.5.4.3": "cn", "commonname": "cn",
        "2.5.4.11": "ou", "organizationalunitname": "ou",
        "2.5.4.10": "o", "organizationname": "o",
        "0.9.2342.19200300.100.1.25": "dc", "domaincomponent": "dc",
        "0.9.2342.19200300.100.1.1": "uid", "userid": "uid",
        "2.5.4.6": "c", "countryname": "c",
        "2.5.4.7": "l", "localityname": "l",
        "2.5.4.8": "st", "stateorprovincename": "st",
        "2.5.4.9": "street", "streetaddress": "street",
        "2.5.4.4": "sn", "surname": "sn",
        "2.5.4.42": "givenname",
        "2.5.4.12": "title",
        "2.5.4.5": "serialnumber",
        "0.9.2342.19200300.100.1.3": "mail", "rfc822mailbox": "mail",
    ]

    /// Types whose equality rule ignores case (caseIgnoreMatch, caseIgnoreIA5Match).
    static let caseIgnoring: Set<String> = [
        "cn", "ou", "o", "dc", "uid", "c", "l", "st", "street", "sn", "givenname", "title", "serialnumber", "mail",
    ]

    static func canonicalType(_ raw: String) -> String {
        var type = raw.lowercased()
        if type.hasPrefix("oid.") { type.removeFirst(4) }
        return aliases[type] ?? type
    }

    /// caseIgnoreMatch's view of a value: case-folded, insignificant spaces removed.
    static func foldCase(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        var pendingSpace = false
        for character in value.lowercased() {
            if character == " " {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }

    /// RFC 4514 §2.4 escaping of a value for the key.
    public static func escape(_ value: String) -> String {
        let bytes = Array(value.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 4)
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "<"),
                UInt8(ascii: ">"), UInt8(ascii: "\\"):
                out += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: "#") where index == 0:
                out += [UInt8(ascii: "\\"), byte]
            case UInt8(ascii: " ") where index == 0 || index == bytes.count - 1:
                out += [UInt8(ascii: "\\"), byte]
            case 0:
                out += Array("\\00".utf8)
            default:
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Parsing

    struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func parse() throws(DistinguishedNameError) -> [[Attribute]] {
            var rdns: [[Attribute]] = []
            skipSpaces()
            if index == bytes.count { return [] }
            var rdn: [Attribute] = []
            while true {
                rdn.append(try attribute())
                skipSpaces()
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "+"):
                    index += 1
                case UInt8(ascii: ","), UInt8(ascii: ";"):
                    index += 1
                    rdns.append(rdn.sorted())
                    rdn = []
                default:
                    throw fail("expected ',' or '+'")
                }
                skipSpaces()
            }
            rdns.append(rdn.sorted())
            return rdns
        }

        mutating func skipSpaces() {
            while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
        }

        func fail(_ message: String) -> DistinguishedNameError {
            DistinguishedNameError(message: message, offset: index)
        }

        mutating func attribute() throws(DistinguishedNameError) -> Attribute {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                guard byte.isLetterOrDigit || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") else { break }
                index += 1
            }
            guard index > start else { throw fail("expected an attribute type") }
            let rawType = String(decoding: bytes[start..<index], as: UTF8.self)
            guard bytes[start].isLetter || bytes[start].isDigit else { throw fail("bad attribute type '\(rawType)'") }
            let type = DistinguishedName.canonicalType(rawType)
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                throw fail("expected '=' after '\(rawType)'")
            }
            index += 1
            skipSpaces()
            if index < bytes.count && bytes[index] == UInt8(ascii: "#") {
                return Attribute(type: type, value: try hexValue(), isBER: true)
            }
            let raw = try stringValue()
            guard let text = String(validating: raw, as: UTF8.self) else {
                throw fail("the value of '\(rawType)' is not UTF-8")
            }
            let value = DistinguishedName.caseIgnoring.contains(type) ? DistinguishedName.foldCase(text) : text
            return Attribute(type: type, value: value)
        }

        /// `#` followed by hex pairs (a BER encoding).
        mutating func hexValue() throws(DistinguishedNameError) -> String {
            index += 1
            let start = index
            while index < bytes.count && bytes[index].isHexDigit { index += 1 }
            let digits = bytes[start..<index]
            guard !digits.isEmpty, digits.count % 2 == 0 else { throw fail("a '#' value needs pairs of hex digits") }
            return String(decoding: digits, as: UTF8.self).lowercased()
        }

        /// A string value, unescaped; unescaped trailing spaces are dropped.
        mutating func stringValue() throws(DistinguishedNameError) -> [UInt8] {
            var value: [UInt8] = []
            if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while true {
                    guard index < bytes.count else { throw fail("unterminated quoted value") }
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        index += 1
                        return value
                    }
                    if byte == UInt8(ascii: "\\") {
                        value.append(try escaped())
                    } else {
                        value.append(byte)
                        index += 1
                    }
                }
            }
            var keep = 0  // length of `value` up to its last escaped or non-space byte
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: ","), UInt8(ascii: "+"), UInt8(ascii: ";"):
                    value.removeSubrange(keep...)
                    return value
                case UInt8(ascii: "\\"):
                    value.append(try escaped())
                    keep = value.count
                case UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), 0:
                    throw fail("'\(Character(Unicode.Scalar(byte)))' must be escaped in a value")
                default:
                    value.append(byte)
                    index += 1
                    if byte != UInt8(ascii: " ") { keep = value.count }
                }
            }
            value.removeSubrange(keep...)
            return value
        }

        /// `\` followed by a special character or two hex digits.
        mutating func escaped() throws(DistinguishedNameError) -> UInt8 {
            index += 1
            guard index < bytes.count else { throw fail("a value ends with a lone '\\'") }
            let first = bytes[index]
            if first.isHexDigit {
                guard index + 1 < bytes.count, bytes[index + 1].isHexDigit else {
                    throw fail("'\\' must be followed by two hex digits or a special character")
                }
                let byte = first.hexValue << 4 | bytes[index + 1].hexValue
                index += 2
                return byte
            }
            guard first >= 0x20 && first < 0x7F else {
                throw fail("'\\' must be followed by two hex digits or a special character")
            }
            index += 1
            return first
        }
    }
}

/// Why a text is not a distinguished name, and where (a byte offset).
public struct DistinguishedNameError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "not a DN: \(message) at offset \(offset)" }
}

extension UInt8 {
    fileprivate var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    fileprivate var isLetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    fileprivate var isLetterOrDigit: Bool { isDigit || isLetter }
    fileprivate var isHexDigit: Bool { isDigit || ((self | 0x20) >= 0x61 && (self | 0x20) <= 0x66) }
    fileprivate var hexValue: UInt8 { isDigit ? self - 0x30 : (self | 0x20) - 0x61 + 10 }
}
