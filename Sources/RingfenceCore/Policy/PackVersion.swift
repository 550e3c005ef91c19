import Crypto
import Foundation

/// One immutable version of a pack: a named, versioned set of rules.
///
/// Publishing a change to a pack makes a new version; a published version never changes.
/// ``contentHash`` identifies the content, so re-publishing the same number with other
/// rules can be refused.
public struct PackVersion: Sendable, Hashable {
    /// Pack name, e.g. `secrets-baseline`.
    public var pack: String
    /// Version number, from 1.
    public var version: Int
    /// What the pack is for.
    public var description: String
    /// The rules, in the order written.
    public var rules: [Rule]
    /// Floors the pack declares for its own rules (docs/resolution.md, rule 7a).
    public var floors: [RiskFloor]

    /// Creates a pack version.
    public init(pack: String, version: Int, description: String = "", rules: [Rule], floors: [RiskFloor] = []) {
        self.pack = pack
        self.version = version
        self.description = description
        self.rules = rules
        self.floors = floors
    }

    /// SHA-256 (hex) of the description and the rules in a byte-stable encoding
    /// (`CanonicalBytes`): identifies the content of a version.
    public var contentHash: String {
        var bytes = CanonicalBytes(tag: "pack-content/1")
        bytes.append(description)
        bytes.append(rules)
        // Versions without floors keep the hash they had before floors existed.
        if !floors.isEmpty { bytes.append(floors) }
        return Array(bytes.digest).hex
    }
}

extension SHA256.Digest {
    /// Lowercase hexadecimal.
    var hex: String { Array(self).hex }
}
