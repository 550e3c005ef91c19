import Foundation

/// The changes between a host's stored inventory and the one a heartbeat reports, as
/// rows of `host_changes`: installer version, and per agent its version, hook state, hook
/// version and model provider (an agent that appears or disappears is a change from or to nothing).
/// An installer version that is not reported (empty) is no change.
///
/// Pure: the store reads the old state, asks for the changes, and writes them.
public struct InventoryChange: Sendable, Hashable {
    /// `installer_version`, `agent_version:<kind>`, `hook_state:<kind>`, `hook_version:<kind>`,
    /// `provider:<kind>` or `drifted_files` (values: the drifted files, space-separated).
    public var field: String
    public var oldValue: String?
    public var newValue: String?

    public init(field: String, oldValue: String?, newValue: String?) {
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
    }

    /// The tracked facts of one host, before or after a heartbeat.
    public struct Facts: Sendable, Equatable {
        public var installerVersion: String?
        public var agents: [String: HostInventory.Agent]

        public init(installerVersion: String?, agents: [String: HostInventory.Agent]) {
            self.installerVersion = installerVersion
            self.agents = agents
        }
    }

    /// Changes from `old` to `new`, in a stable order (installer first, then agents by kind).
    public static func between(_ old: Facts, _ new: Facts) -> [InventoryChange] {
        var changes: [InventoryChange] = []
        func note(_ field: String, _ before: String?, _ after: String?) {
            let before = before.flatMap { $0.isEmpty ? nil : $0 }
            let after = after.flatMap { $0.isEmpty ? nil : $0 }
            if before != after { changes.append(InventoryChange(field: field, oldValue: before, newValue: after)) }
        }
        // An empty installer version means "not reported": the stored one stays.
        if let installer = new.installerVersion, !installer.isEmpty {
            note("installer_version", old.installerVersion, installer)
        }
        for kind in Set(old.agents.keys).union(new.agents.keys).sorted() {
            let before = old.agents[kind]
            let after = new.agents[kind]
            note("agent_version:\(kind)", before?.version, after?.version)
            note("hook_state:\(kind)", before?.hookState, after?.hookState)
            note("hook_version:\(kind)", before?.hookVersion, after?.hookVersion)
            note("provider:\(kind)", before?.provider, after?.provider)
        }
        return changes
    }
}
