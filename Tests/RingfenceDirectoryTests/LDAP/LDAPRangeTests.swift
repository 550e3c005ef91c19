import Testing

@testable import RingfenceDirectory

/// Ranged retrieval's option parsing and next request (pure; the DC tests run it for real).
@Suite("LDAPRange")
struct LDAPRangeTests {
    @Test("a range is parsed and the next request follows it")
    func ranges() throws {
        let first = try #require(LDAPRange("member;range=0-1499"))
        #expect(first == LDAPRange(attribute: "member", low: 0, high: 1499))
        #expect(first.next(size: nil) == "member;range=1500-*")
        #expect(first.next(size: 1000) == "member;range=1500-2499")
        let last = try #require(LDAPRange("Member;Range=1500-*"))
        #expect(last.high == nil && last.attribute == "Member")
        #expect(last.next(size: 1000) == nil)
        #expect(LDAPRange("member;binary;range=0-9")?.attribute == "member;binary")
    }

    @Test(
        "names without a usable range are not ranges",
        arguments: [
            "member", "member;range=", "member;range=a-9", "member;range=5-2", "member;range=-1-3", ";range=0-1",
        ])
    func notRanges(_ name: String) {
        #expect(LDAPRange(name) == nil)
    }

    @Test("a USN watermark names its server; another server's is not used")
    func usnWatermark() {
        #expect(ChangeTracker.usnWatermark("usn:5608:CN=NTDS Settings,CN=DC1")?.usn == 5608)
        #expect(ChangeTracker.usnWatermark("20260101000000Z") == nil)
        let same = ChangeTracker(
            tracking: .usn, previous: "usn:100:CN=DC1", highestUSN: 200, server: "CN=DC1", namingContext: "DC=x")
        #expect(same.changedFilter == "(uSNChanged>=101)")
        #expect(same.deletedSearch()?.base == "CN=Deleted Objects,DC=x")
        #expect(same.watermark(after: DirectoryData(), previous: nil) == "usn:200:CN=DC1")
        let other = ChangeTracker(
            tracking: .usn, previous: "usn:100:CN=DC2", highestUSN: 200, server: "CN=DC1", namingContext: "DC=x")
        #expect(other.since == nil && other.changedFilter == nil && other.deletedSearch() == nil)
    }
}
