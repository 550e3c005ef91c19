import Crypto
import Foundation

extension DecisionContext {
    /// SHA-256 (hex) of the context's facts, without its moment: two decisions about the
    /// same user, groups, roles, host, repository, agent and surfaces share it. Stored
    /// resolutions are keyed by it.
    public var fingerprint: String {
        var text = "v1"
        func field(_ name: String, _ values: [String]) {
            text += "\n\(name)=" + values.map { $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,") }
                .joined(separator: ",")
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
}
