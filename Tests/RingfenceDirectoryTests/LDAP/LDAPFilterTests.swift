import Testing

@testable import RingfenceDirectory

@Suite("LDAPFilter (RFC 4515 escaping)")
struct LDAPFilterTests {
    @Test(
        "the five special characters are escaped",
        arguments: [
            ("*", "\\2a"), ("(", "\\28"), (")", "\\29"), ("\\", "\\5c"), ("\u{0}", "\\00"),
        ])
    func specials(input: String, escaped: String) {
        #expect(LDAPFilter.escape(input) == escaped)
    }

    @Test("an injection attempt stays one assertion value")
    func injection() {
        #expect(LDAPFilter.equals("uid", "*)(uid=*") == "(uid=\\2a\\29\\28uid=\\2a)")
        #expect(LDAPFilter.equals("cn", "a)(|(objectClass=*)") == "(cn=a\\29\\28|\\28objectClass=\\2a\\29)")
    }

    @Test("non-ASCII is written as escaped UTF-8 bytes; plain text is untouched")
    func utf8() {
        #expect(LDAPFilter.escape("Zoë") == "Zo\\c3\\ab")
        #expect(LDAPFilter.escape("alice.smith-2@example.com") == "alice.smith-2@example.com")
    }

    @Test("escaped output never contains an unescaped special character")
    func noSpecialsSurvive() {
        let hostile = "a*b(c)d\\e\u{0}f\u{7f}\u{1}ü"
        let escaped = LDAPFilter.escape(hostile)
        let withoutEscapes = escaped.replacing(/\\[0-9a-f]{2}/, with: "")
        #expect(!withoutEscapes.contains(where: { "*()\\\u{0}".contains($0) }))
    }

    @Test("and() combines filters")
    func combine() {
        #expect(LDAPFilter.and(["(a=1)"]) == "(a=1)")
        #expect(LDAPFilter.and(["(a=1)", "(b=2)"]) == "(&(a=1)(b=2))")
    }
}
