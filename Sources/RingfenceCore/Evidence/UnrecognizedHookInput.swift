/// Hook input an agent's adapter did not understand (a renamed tool, a new event, a
/// missing field), counted from `unrecognized` events: the support path for an agent that
/// changed its event surface. Named by the raw tool or event name, never by arguments.
public struct UnrecognizedHookInput: Sendable, Codable, Hashable {
    public var agent: String
    /// The agent's version, when its hook input says (Cursor's `cursor_version`).
    public var agentVersion: String
    /// The raw name, e.g. `PreToolUse/Shell` or `beforeFooBar`.
    public var name: String
    public var events: Int
    /// Distinct users (reports) or hosts (fleet) that sent it.
    public var sources: Int

    public init(agent: String, agentVersion: String, name: String, events: Int, sources: Int) {
        self.agent = agent
        self.agentVersion = agentVersion
        self.name = name
        self.events = events
        self.sources = sources
    }

    /// The event summary the hook records is `unrecognized: NAME`; the name from it.
    public static func name(fromSummary summary: String) -> String {
        summary.hasPrefix("unrecognized: ") ? String(summary.dropFirst("unrecognized: ".count)) : summary
    }

    /// Most events first, then by agent, version and name.
    public static func ranked(_ inputs: [UnrecognizedHookInput]) -> [UnrecognizedHookInput] {
        inputs.sorted { a, b in
            if a.events != b.events { return a.events > b.events }
            return (a.agent, a.agentVersion, a.name) < (b.agent, b.agentVersion, b.name)
        }
    }
}
