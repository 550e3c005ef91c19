import ArgumentParser
import RingfenceStore
import Testing

@testable import ringfence

@Suite("DatabaseOptions")
struct DatabaseOptionsTests {
    @Test("the flag wins over the environment")
    func flagFirst() throws {
        let options = try DatabaseOptions.parse(["--database-url", "postgres://a@127.0.0.1:6000/one"])
        let configuration = try options.configuration(environment: [
            "RINGFENCE_DATABASE_URL": "postgres://b@127.0.0.1:7000/two"
        ])
        #expect(configuration.port == 6000)
        #expect(configuration.database == "one")
    }

    @Test("the environment is used without a flag")
    func environment() throws {
        let options = try DatabaseOptions.parse([])
        let configuration = try options.configuration(environment: [
            "RINGFENCE_DATABASE_URL": "postgres://b:pw@127.0.0.1:7000/two"
        ])
        #expect(configuration.username == "b")
        #expect(configuration.password == "pw")
        #expect(configuration.redactedDescription == "postgres://b:***@127.0.0.1:7000/two")
    }

    @Test("no database at all is a clear error")
    func missing() throws {
        let options = try DatabaseOptions.parse([])
        #expect(throws: (any Error).self) { try options.configuration(environment: [:]) }
    }
}
