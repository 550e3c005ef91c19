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

    @Test("a complete user maps with identity, disabled flag and roles")
    func user() throws {
        var configuration = openldap
        configuration.roleAttribute = "employeeType"
        let record = try DirectoryMapping(configuration).user(
            entry(
                "uid=a,dc=x",
                [
                    "entryUUID": text("ABC-1"), "uid": text("alice"), "mail": text("a@x"),
                    "displayName": text(" Alice "),
                    "pwdAccountLockedTime": text("000001010000Z"),
                    "employeeType": [Array("lead".utf8), Array("dev".utf8), Array("lead".utf8)],
                ])
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
        guard case .failure(let rejection) = DirectoryMapping(openldap).user(entry("uid=q,dc=x", attributes)) else {
            Issue.record("\(label) was accepted")
            return
        }
        #expect(rejection.dn == "uid=q,dc=x")
        #expect(rejection.reason.contains("uid"))
    }

    @Test("bad optional values are dropped and the entry kept")
    func droppedOptionals() throws {
        let record = try DirectoryMapping(openldap).user(
            entry(
                "uid=a,dc=x",
                [
                    "uid": text("a"), "mail": [[0x61, 0x00]], "displayName": [Array(repeating: 0x78, count: 1 << 20)],
                ])
        ).get()
        #expect(record.email == nil)
        #expect(record.displayName == nil)
        #expect(record.externalID == "uid=a,dc=x")  // no entryUUID: the DN stands in
    }

    @Test("Active Directory: binary objectGUID as hex, userAccountControl bit 2, memberOf")
    func activeDirectory() throws {
        let ad = DirectoryConfiguration(preset: .activeDirectory, url: "ldaps://dc/", bindDN: "cn=x", baseDN: "dc=corp")
        let guid: [UInt8] = [0x00, 0xFF, 0x10, 0xAB] + Array(repeating: 1, count: 12)
        let enabled = try DirectoryMapping(ad).user(
            entry(
                "cn=A,dc=corp",
                [
                    "objectGUID": [guid], "sAMAccountName": text("adam"), "userAccountControl": text("512"),
                    "memberOf": text("CN=Eng,dc=corp"),
                ])
        ).get()
        #expect(enabled.externalID == "00ff10ab010101010101010101010101")
        #expect(!enabled.disabled)
        #expect(enabled.memberOf == ["CN=Eng,dc=corp"])
        let disabled = try DirectoryMapping(ad).user(
            entry(
                "cn=B,dc=corp",
                [
                    "objectGUID": [guid], "sAMAccountName": text("bea"), "userAccountControl": text("514"),
                ])
        ).get()
        #expect(disabled.disabled)
    }
}
