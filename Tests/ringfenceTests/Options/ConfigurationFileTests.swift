import Foundation
import RingfenceTestSupport
import Testing

@testable import ringfence

@Suite("ConfigurationFile")
struct ConfigurationFileTests {
    static let example = TestServers.repositoryRoot.appendingPathComponent("examples/ringfence.yaml").path

    @Test("the example configuration loads, and the environment overrides it")
    func example() throws {
        let plain = try ConfigurationFile.load(path: Self.example, environment: [:])
        #expect(plain.database?.port == 5432)
        #expect(plain.directory?.roleGroups == ["platform-admins": "admin"])
        #expect(plain.eventsWeeks == 26)
        let overridden = try ConfigurationFile.load(path: Self.example, environment: [
            "RINGFENCE_DATABASE_URL": "postgres://rf@127.0.0.1:6543/other", "RINGFENCE_LDAP_URL": "ldap://127.0.0.1:3389/",
        ])
        #expect(overridden.database?.port == 6543)
        #expect(overridden.directory?.url == "ldap://127.0.0.1:3389/")
    }

    @Test("unknown sections and keys are refused")
    func unknown() {
        #expect(throws: (any Error).self) { try ConfigurationFile.parse("databse:\n  url: postgres://a@b/c\n", file: "f", environment: [:]) }
        #expect(throws: (any Error).self) { try ConfigurationFile.parse("database:\n  uri: postgres://a@b/c\n", file: "f", environment: [:]) }
        #expect(throws: (any Error).self) { try ConfigurationFile.parse("retention:\n  eventsWeeks: 0\n", file: "f", environment: [:]) }
        #expect(throws: (any Error).self) { try ConfigurationFile.parse("retention:\n  events: 4\n", file: "f", environment: [:]) }
    }
}
