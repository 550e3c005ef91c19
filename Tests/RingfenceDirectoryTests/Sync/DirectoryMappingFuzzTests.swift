import Foundation
import PropertyBased
import RingfenceCore
import Testing

@testable import RingfenceDirectory

/// Directory entries whose attribute values are random bytes — NUL, invalid UTF-8, blanks,
/// values past every limit, many values — mapped as users and groups: an entry is mapped
/// or rejected with its DN, and nothing mapped holds a NUL or exceeds its limit (so it can
/// go to PostgreSQL). `scripts/fuzz` runs it longer.
@Suite("Fuzz: LDAP attribute handling")
struct DirectoryMappingFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_ITERATIONS"] ?? "") ?? 1_000
    static let attributes = [
        "uid", "cn", "entryUUID", "mail", "displayName", "member", "memberOf", "owner", "description",
        "employeeType", "pwdAccountLockedTime", "modifyTimestamp",
    ]
    static let pieces: [[UInt8]] = [
        [0], [0xFF, 0xFE], [0xC3], Array(" ".utf8), Array("alice".utf8), Array("ü".utf8),
        Array("uid=x,dc=example,dc=com".utf8), Array(repeating: 0x61, count: 300),
        Array(repeating: 0x62, count: 5_000), Array("000001010000Z".utf8),
    ]

    static func clean(_ text: String, limit: Int) -> Bool { !text.utf8.contains(0) && text.utf8.count <= limit }

    @Test("random attribute values map cleanly or are rejected")
    func mapping() async {
        var configuration = DirectoryConfiguration(preset: .openldap, url: "ldap://x/", bindDN: "cn=x", baseDN: "dc=x")
        configuration.roleAttribute = "employeeType"
        let mapping = DirectoryMapping(configuration)
        // Each number picks an attribute and a piece of value for it.
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...Int(Int32.max)).array(of: 1...24)) {
            numbers in
            var attributes: [String: [[UInt8]]] = [:]
            for number in numbers {
                let name = Self.attributes[number % Self.attributes.count]
                let piece = Self.pieces[(number / 16) % Self.pieces.count]
                if (number / 256) % 3 == 0, var last = attributes[name]?.popLast() {
                    last += piece
                    attributes[name, default: []].append(last)
                } else {
                    attributes[name, default: []].append(piece)
                }
            }
            let dn = (numbers.first ?? 0) % 5 == 0 ? "uid=\u{0},dc=x" : "uid=q,dc=x"
            let entry = LDAPEntry(dn: dn, attributes: attributes)
            var names = NameTable()
            switch mapping.user(entry, names: &names) {
            case .success(let user):
                #expect(
                    Self.clean(user.username, limit: DirectoryMapping.maxNameBytes) && !user.username.isEmpty,
                    "\(numbers)")
                #expect(Self.clean(user.dn, limit: DirectoryMapping.maxDNBytes), "\(numbers)")
                #expect(
                    [user.row.email, user.row.displayName].compactMap { $0 }.allSatisfy {
                        Self.clean($0, limit: DirectoryMapping.maxValueBytes)
                    })
                #expect(user.roles.allSatisfy { Self.clean($0, limit: DirectoryMapping.maxNameBytes) }, "\(numbers)")
            case .failure(let rejection):
                #expect(!rejection.reason.isEmpty)
            }
            switch mapping.group(entry, names: &names) {
            case .success(let group):
                #expect(
                    Self.clean(group.name, limit: DirectoryMapping.maxNameBytes) && !group.name.isEmpty, "\(numbers)")
                #expect(
                    (group.members.map { names[$0.name] } + group.row.owners).allSatisfy {
                        Self.clean($0, limit: DirectoryMapping.maxDNBytes)
                    },
                    "\(numbers)")
                #expect(group.row.description.map { Self.clean($0, limit: DirectoryMapping.maxValueBytes) } ?? true)
            case .failure(let rejection):
                #expect(!rejection.reason.isEmpty)
            }
        }
    }
}
