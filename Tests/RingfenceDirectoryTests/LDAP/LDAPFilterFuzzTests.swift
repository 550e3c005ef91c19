import Foundation
import PropertyBased
import Testing

@testable import RingfenceDirectory

/// Random values, including every byte and hostile filter fragments, escaped with
/// `LDAPFilter.escape`: the result is printable 7-bit ASCII with no filter syntax left, and
/// decoding its `\XX` escapes gives the value back (RFC 4515). `scripts/fuzz` runs it longer.
@Suite("Fuzz: LDAP filter escaping")
struct LDAPFilterFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_ITERATIONS"] ?? "") ?? 2_000
    static let fragments = [
        "*", "(", ")", "\\", "\u{0}", ")(uid=*", "*)(|(objectClass=*", "\\2a", "ü", "🙂", "=", "&", "|", "!",
    ]

    static func unescape(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "\\") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    @Test("escaped values keep no filter syntax and decode back")
    func escaping() async {
        // Each number is a byte (below 256) or a hostile fragment.
        await propertyCheck(
            count: Self.iterations, input: Gen.int(in: 0...(255 + Self.fragments.count)).array(of: 0...12)
        ) { parts in
            var value = ""
            for part in parts {
                if part < 256 {
                    value.unicodeScalars.append(Unicode.Scalar(UInt8(part)))
                } else {
                    value += Self.fragments[part - 256]
                }
            }
            let escaped = LDAPFilter.escape(value)
            #expect(escaped.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }, "\(parts): printable ASCII only")
            #expect(!escaped.contains("*") && !escaped.contains("(") && !escaped.contains(")"), "\(parts)")
            #expect(Self.unescape(escaped) == Array(value.utf8), "\(parts): decodes back")
            let filter = LDAPFilter.equals("uid", value)
            #expect(
                filter.filter { $0 == "(" }.count == 1 && filter.filter { $0 == ")" }.count == 1,
                "\(parts): one assertion")
        }
    }
}
