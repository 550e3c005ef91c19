import Testing

@testable import RingfenceStore

@Suite("MigrationPlan")
struct MigrationPlanTests {
    let catalog = try! MigrationCatalog([
        try! Migration(name: "001_one.sql", sql: "SELECT 1"),
        try! Migration(name: "002_two.sql", sql: "SELECT 2"),
        try! Migration(name: "010_ten.sql", sql: "SELECT 10"),
    ])

    func record(_ migration: Migration) -> Migrator.AppliedMigration {
        .init(version: migration.version, name: migration.name, checksum: migration.checksum)
    }

    @Test("nothing applied: everything is pending, in version order")
    func fresh() throws {
        let plan = try MigrationPlan(catalog: catalog, applied: [])
        #expect(plan.pending.map(\.name) == ["001_one.sql", "002_two.sql", "010_ten.sql"])
    }

    @Test("applied files are skipped")
    func partial() throws {
        let plan = try MigrationPlan(catalog: catalog, applied: [record(catalog.migrations[0])])
        #expect(plan.pending.map(\.version) == [2, 10])
    }

    @Test("an applied file edited since is refused with its name")
    func edited() {
        var applied = record(catalog.migrations[1])
        applied.checksum = String(repeating: "0", count: 64)
        #expect {
            try MigrationPlan(catalog: catalog, applied: [applied])
        } throws: { error in
            guard case .editedAfterApply(let name, _, _) = error as? MigrationError else { return false }
            return name == "002_two.sql"
        }
    }

    @Test("a version the build does not ship is refused")
    func unknown() {
        #expect(throws: MigrationError.unknownApplied(version: 99, name: "099_future.sql")) {
            try MigrationPlan(catalog: catalog, applied: [.init(version: 99, name: "099_future.sql", checksum: "x")])
        }
    }

    @Test(
        "file names must be NNN_name.sql and versions unique",
        arguments: ["one.sql", "001.sql", "x01_a.sql", "001_a.txt", "000_zero.sql"])
    func badNames(name: String) {
        #expect(throws: MigrationError.badFileName(name)) { try Migration(name: name, sql: "") }
    }

    @Test("duplicate versions are refused")
    func duplicates() throws {
        #expect(throws: MigrationError.duplicateVersion(1, "001_a.sql", "001_b.sql")) {
            try MigrationCatalog([try Migration(name: "001_a.sql", sql: ""), try Migration(name: "001_b.sql", sql: "")])
        }
    }

    @Test("the checksum is SHA-256 of the text")
    func checksum() throws {
        // echo -n "SELECT 1" | sha256sum
        #expect(
            try Migration(name: "001_a.sql", sql: "SELECT 1").checksum
                == "e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5")
    }
}
