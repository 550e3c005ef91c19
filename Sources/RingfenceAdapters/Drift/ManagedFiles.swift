/// A set of managed files by name and SHA-256, and the one digest a host reports for
/// them (`AgentInstall.managed_config_hash`): SHA-256 over `name SP sha256 LF` lines in
/// name order. `sha256sum`-style, so a shell script on the host can compute it:
///
/// ```sh
/// cd /etc/claude-code && sha256sum managed-settings.json | awk '{print $2" "$1}' | LC_ALL=C sort | sha256sum
/// ```
public struct ManagedFiles: Sendable, Hashable {
    /// SHA-256 (lowercase hex) by file name; empty for a file that is missing.
    public var hashes: [String: String]

    public init(_ entries: [(name: String, sha256: String)]) {
        hashes = Dictionary(entries.map { ($0.name, $0.sha256.lowercased()) }, uniquingKeysWith: { _, last in last })
    }

    /// The digest of the whole set.
    public var digest: String {
        let lines = hashes.keys.sorted().map { "\($0) \(hashes[$0]!)\n" }.joined()
        return NativeFile.sha256Hex(Array(lines.utf8))
    }
}
