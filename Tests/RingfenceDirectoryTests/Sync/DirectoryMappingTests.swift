import RingfenceCore
import Testing

@testable import RingfenceDirectory

@Suite("DirectoryMapping")
struct DirectoryMappingTests {
    let openldap = DirectoryConfiguration(preset: .openldap, url: "ldap://x/", bindDN: "cn=x", baseDN: "dc=x")

    func entry(_ dn: String, _ attributes: [String: [[UInt8]]]) -> LDAPEntry {
        LDAPEntry(dn: dn, attributes: attributes)
    }
    func text(_ value: String) -> [[UInt8]] { [Array(value.utf8)] }
    func texts(_ values: String...) -> [[UInt8]] { values.map { Array($0.utf8) } }

    @Test("a complete user maps with identity, disabled flag and roles")
    func user() throws {
        var configuration = openldap
        configuration.roleAttribute = "employeeType"
        var names = NameTable()
        let record = try DirectoryMapping(configuration).user(
            entry(
                "uid=a,dc=x",
                [
                    "entryUUID": text("ABC-1"), "uid": text("alice"), "mail": text("a@x"),
                    "displayName": text(" Alice "),
                    "pwdAccountLockedTime": text("000001010000Z"),
                    "employeeType": [Array("lead".utf8), Array("dev".utf8), Array("lead".utf8)],

                ]), names: &names
        ).get()
        #expect(record.externalID == "abc-1")
        #expect(record.displayName == "Alice")
        #expect(record.disabled)
        #expect(record.roles == ["dev", "lead"])
    }

    @Test(
        "identity values that are unusable reject the entry",
        arguments: [
            ("missing", [UInt8]?.none),
            ("NUL", Array("al\u{0}ice".utf8)),
            ("not UTF-8", [0x61, 0xFF, 0xFE]),
            ("too long", Array(String(repeating: "u", count: 257).utf8)),
            ("blank", Array("   ".utf8)),
        ])
    func rejectedUsernames(label: String, value: [UInt8]?) {
        var attributes: [String: [[UInt8]]] = ["entryUUID": text("id")]
        if let value { attributes["uid"] = [value] }
        var names = NameTable()
        guard
            case .failure(let rejection) = DirectoryMapping(openldap).user(
                entry("uid=q,dc=x", attributes), names: &names)
        else {
            Issue.record("\(label) was accepted")
            return
        }
        #expect(rejection.dn == "uid=q,dc=x")
        #expect(rejection.reason.contains("uid"))
    }

    @Test("bad optional values are dropped and the entry kept")
    func droppedOptionals() throws {
        var names = NameTable()
        let record = try DirectoryMapping(openldap).user(
            entry(
                "uid=a,dc=x",
                [
                    "uid": text("a"), "mail": [[0x61, 0x00]], "displayName": [Array(repeating: 0x78, count: 1 << 20)],

                ]), names: &names
        ).get()
        #expect(record.email == nil)
        #expect(record.displayName == nil)
        #expect(record.externalID == "uid=a,dc=x")  // no entryUUID: the DN's key stands in
    }

    @Test("Active Directory: binary objectGUID as hex, userAccountControl bit 2, memberOf when configured")
    func activeDirectory() throws {
        var ad = DirectoryConfiguration(preset: .activeDirectory, url: "ldaps://dc/", bindDN: "cn=x", baseDN: "dc=corp")
        ad.userMemberOfAttribute = "memberOf"
        let guid: [UInt8] = [0x00, 0xFF, 0x10, 0xAB] + Array(repeating: 1, count: 12)
        var names = NameTable()
        let enabled = try DirectoryMapping(ad).user(
            entry(
                "cn=A,dc=corp",
                [
                    "objectGUID": [guid], "sAMAccountName": text("adam"), "userAccountControl": text("512"),
                    "memberOf": text("CN=Eng,dc=corp"),

                ]), names: &names
        ).get()
        #expect(enabled.externalID == "00ff10ab010101010101010101010101")
        #expect(!enabled.disabled)
        #expect(enabled.memberOf.map { names[$0] } == ["cn=eng,dc=corp"])
        let disabled = try DirectoryMapping(ad).user(
            entry(
                "cn=B,dc=corp",
                [
                    "objectGUID": [guid], "sAMAccountName": text("bea"), "userAccountControl": text("514"),

                ]), names: &names
        ).get()
        #expect(disabled.disabled)
    }

    @Test("each kind of group reads its own member attribute; values become DN keys or user names")
    func groupKinds() throws {
        var names = NameTable()
        let mapping = DirectoryMapping(openldap)
        let unique = try mapping.group(
            entry(
                "cn=U,dc=x",
                [
                    "objectClass": texts("top", "groupOfUniqueNames"), "cn": text("u"),
                    "uniqueMember": texts("UID=A,DC=X#'0101'B", "uid=b\\2Cc,dc=x", "cn=O'Brien\\2BOps,dc=x"),
                    "member": text("uid=ignored,dc=x"),  // not an attribute of this kind
                ]), names: &names
        ).get()
        #expect(unique.members.map { names[$0.name] } == ["uid=a,dc=x", "uid=b\\,c,dc=x", "cn=o'brien\\+ops,dc=x"])
        #expect(unique.members.allSatisfy { $0.attribute == 1 })
        #expect(unique.unreadObjectClasses == nil)
        let posix = try mapping.group(
            entry(
                "cn=p,dc=x",
                ["objectClass": texts("posixGroup"), "cn": text("p"), "memberUid": texts("Alice", " bob ")]),
            names: &names
        ).get()
        #expect(posix.members.map { names[$0.name] } == ["alice", "bob"])
        #expect(posix.members.allSatisfy { $0.attribute == 2 })
        let dynamic = try mapping.group(
            entry("cn=d,dc=x", ["objectClass": texts("groupOfURLs"), "cn": text("d"), "member": text("uid=a,dc=x")]),
            names: &names
        ).get()
        #expect(dynamic.members.isEmpty)
        #expect(dynamic.unreadObjectClasses == ["groupOfURLs"])
        let broken = try mapping.group(
            entry(
                "cn=b,dc=x",
                ["objectClass": texts("groupOfNames"), "cn": text("b"), "member": texts("not a dn", "uid=a,dc=x")]),
            names: &names
        ).get()
        #expect(broken.invalidMembers == ["member: not a dn"])
        #expect(broken.members.map { names[$0.name] } == ["uid=a,dc=x"])
        #expect(names.existingNumber("uid=a,dc=x") == unique.members[0].name)  // each value stored once
    }

    @Test(
        "a uniqueMember UID suffix is stripped only when it is one",
        arguments: [
            ("uid=a,dc=x#'0101'B", "uid=a,dc=x"), ("uid=a,dc=x#''B", "uid=a,dc=x"),
            ("uid=a,dc=x#'012'B", "uid=a,dc=x#'012'B"),
            ("uid=a,dc=xB", "uid=a,dc=xB"), ("uid=a'B", "uid=a'B"),
        ])
    func uniqueMemberSuffix(_ example: (String, String)) {
        #expect(String(decoding: DirectoryMapping.withoutUID(Array(example.0.utf8)), as: UTF8.self) == example.1)
    }

    @Test("an entry whose DN is not a DN is rejected with the reason")
    func badDN() {
        var names = NameTable()
        guard
            case .failure(let rejection) = DirectoryMapping(openldap).user(
                entry("uid=a,dc=x\\", ["uid": text("a")]), names: &names)
        else {
            Issue.record("accepted")
            return
        }
        #expect(rejection.reason.contains("not a DN"))
    }
}
