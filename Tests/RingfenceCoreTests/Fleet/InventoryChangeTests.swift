import Testing

@testable import RingfenceCore

@Suite("InventoryChange")
struct InventoryChangeTests {
    typealias Facts = InventoryChange.Facts
    let claude = HostInventory.Agent(kind: "claude-code", version: "2.0.1", hookState: "installed", hookVersion: "1.0")

    @Test("the same facts make no change")
    func unchanged() {
        let facts = Facts(installerVersion: "1.2.0", agents: ["claude-code": claude])
        #expect(InventoryChange.between(facts, facts).isEmpty)
    }

    @Test("a first heartbeat records every fact as a change from nothing")
    func first() {
        let changes = InventoryChange.between(
            Facts(installerVersion: nil, agents: [:]),
            Facts(installerVersion: "1.2.0", agents: ["claude-code": claude]))
        #expect(
            changes == [
                InventoryChange(field: "installer_version", oldValue: nil, newValue: "1.2.0"),
                InventoryChange(field: "agent_version:claude-code", oldValue: nil, newValue: "2.0.1"),
                InventoryChange(field: "hook_state:claude-code", oldValue: nil, newValue: "installed"),
                InventoryChange(field: "hook_version:claude-code", oldValue: nil, newValue: "1.0"),
            ])
    }

    @Test("an upgrade, a hook removal and an uninstalled agent, in a stable order")
    func changes() {
        var upgraded = claude
        upgraded.version = "2.1.0"
        upgraded.hookState = "missing"
        upgraded.hookVersion = ""
        let cursor = HostInventory.Agent(kind: "cursor", version: "1.7", hookState: "installed")
        let changes = InventoryChange.between(
            Facts(installerVersion: "1.2.0", agents: ["claude-code": claude, "cursor": cursor]),
            Facts(installerVersion: "1.3.0", agents: ["claude-code": upgraded]))
        #expect(
            changes == [
                InventoryChange(field: "installer_version", oldValue: "1.2.0", newValue: "1.3.0"),
                InventoryChange(field: "agent_version:claude-code", oldValue: "2.0.1", newValue: "2.1.0"),
                InventoryChange(field: "hook_state:claude-code", oldValue: "installed", newValue: "missing"),
                InventoryChange(field: "hook_version:claude-code", oldValue: "1.0", newValue: nil),
                InventoryChange(field: "agent_version:cursor", oldValue: "1.7", newValue: nil),
                InventoryChange(field: "hook_state:cursor", oldValue: "installed", newValue: nil),
            ])
    }

    @Test("an installer version that is not reported keeps the stored one")
    func unreportedInstaller() {
        let changes = InventoryChange.between(
            Facts(installerVersion: "1.2.0", agents: [:]), Facts(installerVersion: "", agents: [:]))
        #expect(changes.isEmpty)
    }
}
