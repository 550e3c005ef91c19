import Crypto
import Foundation

extension DecisionContext {
    /// SHA-256 (hex) of the context's facts, without its moment: two decisions about the
    /// same user, groups, roles, host, repository, agent and surfaces share it. Stored
    /// resolutions are keyed by it.
    public var fingerprint: String {
        var text = "v1"
        func field(_ name: String, _ values: [String]) {
            text += "\n\(name)=" + values.map(Self.escapedForFingerprint).joined(separator: ",")
        }
        field("user", [user.lowercased()])
        field("groups", groups)
        field("roles", roles)
        field("ring", hostRing.map { [String($0.number)] } ?? [])
        field("tags", hostTags)
        field("repo", repo.map { [$0] } ?? [])
        field("trust", trust.map { [$0.rawValue] } ?? [])
        field("agent", [agent])
        field("surfaces", surfaces.map(\.rawValue).sorted())
        return SHA256.hash(data: Data(text.utf8)).hex
    }

    /// `\` and `,` preceded by a `\`; other text as it is (checked on UTF-8 first: this runs
    /// on every policy fetch, and most names need no escaping).
    static func escapedForFingerprint(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ",") }) else { return value }
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if scalar == "\\" || scalar == "," { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }
}
