import Crypto
import RingfenceCore

/// The managed files rendered for one agent from one policy, and the rules those files
/// cannot express (with what enforces them instead).
public struct NativeConfiguration: Sendable, Hashable {
    /// The agent the files are for.
    public var agent: AgentKind
    /// Files, in name order, as the agent reads them.
    public var files: [NativeFile]
    /// Rules (or parts of rules) the files do not express natively.
    public var notNative: [NotNativeRule]
    /// Whether the files make the agent block an action when the hook cannot run (missing,
    /// crashed, timed out): `onFailure`, `failClosed` or `|| exit 2`, where the agent allows it.
    public var hookFailsClosed: Bool

    public init(agent: AgentKind, files: [NativeFile], notNative: [NotNativeRule], hookFailsClosed: Bool = false) {
        self.agent = agent
        self.files = files.sorted { $0.name < $1.name }
        self.notNative = notNative
        self.hookFailsClosed = hookFailsClosed
    }

    /// Digest of all files: what a host reports as `AgentInstall.managed_config_hash`.
    public var digest: String { ManagedFiles(files.map { ($0.name, $0.sha256) }).digest }
}

/// One rendered file.
public struct NativeFile: Sendable, Hashable {
    /// File name relative to the agent's managed directory, e.g. `hooks.json` or
    /// `managed-settings.d/ringfence.json`: `/`-separated names without `.` or `..` parts.
    public var name: String
    /// Content (UTF-8 text).
    public var content: String
    /// SHA-256 of the content, lowercase hex.
    public var sha256: String { Self.sha256Hex(Array(content.utf8)) }

    public init(name: String, content: String) {
        self.name = name
        self.content = content
    }

    /// SHA-256 of bytes as lowercase hex.
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        Array(SHA256.hash(data: bytes)).hex
    }
}

/// A rule pattern an agent's native files cannot express.
public struct NotNativeRule: Sendable, Hashable, CustomStringConvertible {
    /// What enforces it instead.
    public enum Enforcement: String, Sendable, Hashable {
        /// The Ringfence hook decides it before the action (`ringfence hook`).
        case hook
        /// Nothing on the workstation decides it per action.
        case none
    }

    public var surface: Surface
    public var pack: String
    public var ruleID: String
    /// The pattern concerned; nil when it is the whole rule.
    public var pattern: String?
    public var level: Level
    public var enforcement: Enforcement
    /// Why it is not native.
    public var reason: String

    public var description: String {
        let what = pattern.map { "'\($0)'" } ?? "all patterns"
        let by = enforcement == .hook ? "enforced by hook, not natively" : "not enforced on the workstation"
        return "\(surface) \(pack) \(ruleID) \(what) (\(level)): \(by) — \(reason)"
    }
}
