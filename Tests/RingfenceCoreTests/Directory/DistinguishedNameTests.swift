import PropertyBased
import RingfenceCore
import RingfenceTestSupport
import Testing

/// DNs compared as DNs (RFC 4514): equal names under every spelling, different names never.
@Suite("DistinguishedName")
struct DistinguishedNameTests {
    func dn(_ text: String) throws -> DistinguishedName { try DistinguishedName(text) }

    @Test(
        "one DN written the ways directories write it",
        arguments: [
            ("cn=O'Brien\\+Ops,ou=Groups,dc=example,dc=com", "CN=O'Brien\\2BOps,OU=groups,DC=Example,DC=COM"),
            (
                "cn=Müller\\, Jörg,ou=people,dc=example,dc=com",
                "cn=M\\C3\\BCller\\2C J\\C3\\B6rg,ou=people,dc=example,dc=com"
            ),
            ("cn=a,dc=example,dc=com", "CN = a , DC=example;DC=com"),
            (
                "cn=a,dc=example,dc=com",
                "2.5.4.3=a,0.9.2342.19200300.100.1.25=example,OID.0.9.2342.19200300.100.1.25=com"
            ),
            ("cn=a,dc=example,dc=com", "commonName=A,domainComponent=example,dc=com"),
            ("cn=Platform  Team,dc=x", "cn=platform team,dc=x"),
            ("cn=a+uid=b,dc=x", "UID=B+CN=a,dc=x"),
            ("cn=a\\,b,dc=x", "cn=\"a,b\",dc=x"),
            ("cn=a=b,dc=x", "cn=a\\=b,dc=x"),
            ("cn=\\#1,dc=x", "cn=\\231,dc=x"),
            ("cn=x,dc=y", "cn=x\\ ,dc=y"),
        ])
    func equalSpellings(_ pair: (String, String)) throws {
        #expect(try dn(pair.0) == dn(pair.1))
        #expect(try dn(pair.0).key == dn(pair.1).key)
    }

    @Test(
        "names that differ stay different",
        arguments: [
            ("cn=a,dc=x", "cn=b,dc=x"),
            ("cn=a,dc=x", "cn=a,dc=x,dc=y"),
            ("cn=a+uid=b,dc=x", "cn=a,uid=b,dc=x"),
            ("employeeNumber=AB1,dc=x", "employeeNumber=ab1,dc=x"),  // unknown matching rule: exact
            ("cn=#0401,dc=x", "cn=\\#0401,dc=x"),  // a BER value is not the string "#0401"
            ("cn=a b,dc=x", "cn=ab,dc=x"),
        ])
    func differentNames(_ pair: (String, String)) throws {
        #expect(try dn(pair.0) != dn(pair.1))
    }

    @Test("the key is RFC 4514 text of the normalized name")
    func key() throws {
        #expect(DistinguishedName.key("UID=Alice,OU=People,DC=Example") == "uid=alice,ou=people,dc=example")
        #expect(DistinguishedName.key("employeeNumber=AB,DC=x") == "employeenumber=AB,dc=x")
        #expect(DistinguishedName.key("cn=a,") == nil)
        #expect(DistinguishedName.key("cn=,dc=x") == (try? dn("cn=,dc=x"))?.key)
        #expect(try dn("CN=O'Brien\\2BOps, OU=Groups,DC=Example").key == "cn=o'brien\\+ops,ou=groups,dc=example")
        #expect(try dn("UID=B+CN=a,dc=x").key == "cn=a+uid=b,dc=x")
        #expect(try dn("cn=\\ lead\\,\\#,dc=x").key == "cn=lead\\,#,dc=x")
        #expect(try dn("employeeNumber=\\ A,dc=x").key == "employeenumber=\\ A,dc=x")
        #expect(try dn("").rdns.isEmpty)
        #expect(try dn("cn=a,ou=b,dc=c").parent == dn("ou=b,dc=c"))
        #expect(try dn("cn=a,ou=B,dc=c").isWithin(dn("OU=b,DC=c")))
        #expect(try !dn("cn=a,ou=b,dc=c").isWithin(dn("ou=c,dc=c")))
    }

    @Test(
        "what is not a DN is refused with the place",
        arguments: [
            ("cn", 2), ("=a", 0), ("cn=a,", 5), ("cn=a\\", 5), ("cn=a\\4", 5), ("cn=\"a", 5), ("cn=a<b", 4),
            ("cn=#abc", 7), ("cn=a,,dc=x", 5), ("cn=\\FF", 6),
        ])
    func refused(_ example: (String, Int)) {
        #expect(throws: DistinguishedNameError.self) { try DistinguishedName(example.0) }
        do {
            _ = try DistinguishedName(example.0)
        } catch {
            #expect(error.offset == example.1, "\(example.0): \(error)")
        }
    }

    // MARK: - Properties

    static let types = ["cn", "ou", "dc", "uid", "o", "employeeNumber", "x-custom"]
    static let longNames = ["cn": ["CN", "commonName", "2.5.4.3", "OID.2.5.4.3"], "dc": ["DC", "domainComponent"]]
    static let characters: [Character] = [
        "a", "b", "Z", "0", "-", " ", ",", "+", "\"", "\\", "<", ">", ";", "#", "=", "'", "ü", "Ö", "日", "🙂", ".",
    ]

    /// A random name: RDNs of one or two attributes; values without leading or trailing spaces.
    static func name(_ choices: inout Choices) -> [[(type: String, value: String)]] {
        (0..<(1 + choices.below(4))).map { _ in
            var used: Set<String> = []
            return (0..<(1 + (choices.chance(0.2) ? 1 : 0))).compactMap { _ in
                let type = choices.pick(types)
                guard used.insert(type).inserted else { return nil }
                var value = String((0..<(1 + choices.below(6))).map { _ in choices.pick(characters) })
                while value.hasPrefix(" ") || value.hasSuffix(" ") { value = value.trimmingSpaces() }
                return (type, value.isEmpty ? "v" : value)
            }
        }
    }

    /// One of the many ways to write `name`.
    static func spell(_ name: [[(type: String, value: String)]], _ choices: inout Choices) -> String {
        func space() -> String { choices.chance(0.2) ? " " : "" }
        return name.map { rdn in
            rdn.map { pair in
                var type = pair.type
                if let names = longNames[type], choices.chance(0.5) { type = choices.pick(names) }
                if choices.chance(0.3) { type = type.uppercased() }
                let caseIgnoring = pair.type != "employeeNumber" && pair.type != "x-custom"
                var value = ""
                let characters = Array(pair.value)
                for (index, character) in characters.enumerated() {
                    var written = String(character)
                    if caseIgnoring && choices.chance(0.3) { written = written.uppercased() }
                    let special = "\"+,;<>\\".contains(character) || (index == 0 && character == "#")
                    if special || choices.chance(0.25) {
                        if !special || choices.chance(0.5) {
                            value += written.utf8.map {
                                "\\" + String($0, radix: 16, uppercase: choices.chance(0.5)).leftPadded()
                            }.joined()
                        } else {
                            value += "\\" + written
                        }
                    } else {
                        value += written
                    }
                    if caseIgnoring && character == " " && choices.chance(0.3) { value += " " }
                }
                return space() + type + space() + "=" + space() + value + space()
            }.joined(separator: "+")
        }.joined(separator: choices.chance(0.1) ? ";" : ",")
    }

    @Test("every spelling of a name parses to the same name, and its key parses back to it")
    func spellings() async {
        await propertyCheck(count: 500, input: Choices.generator) { values in
            var choices = Choices(values)
            let name = Self.name(&choices)
            let first = Self.spell(name, &choices)
            let second = Self.spell(name, &choices)
            do {
                let a = try DistinguishedName(first)
                let b = try DistinguishedName(second)
                #expect(a == b, "\(first) ≠ \(second)")
                #expect(try DistinguishedName(a.key) == a, "\(a.key)")
                // The fast path for plain DNs gives the parser's key.
                #expect(DistinguishedName.key(first) == a.key, "\(first)")
                #expect(DistinguishedName.key(a.key) == a.key, "\(a.key)")
                #expect(a.rdns.count == name.count)
            } catch {
                Issue.record("\(first) / \(second): \(error)")
            }
        }
    }

    @Test("changing one character of a value makes another name")
    func differentValues() async {
        await propertyCheck(count: 300, input: Choices.generator) { values in
            var choices = Choices(values)
            let name = Self.name(&choices)
            var other = name
            let r = choices.below(name.count)
            let a = choices.below(name[r].count)
            let value = Array(name[r][a].value)
            let position = choices.below(value.count)
            let replacement: Character = value[position].lowercased() == "q" ? "x" : "q"
            other[r][a].value = String(value[..<position]) + String(replacement) + String(value[(position + 1)...])
            let first = Self.spell(name, &choices)
            let second = Self.spell(other, &choices)
            #expect(
                (try? DistinguishedName(first)) != (try? DistinguishedName(second)), "\(first) = \(second)")
        }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }

    fileprivate func leftPadded() -> String { count == 1 ? "0" + self : self }
}
