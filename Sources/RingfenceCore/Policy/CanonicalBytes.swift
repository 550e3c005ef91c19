import Crypto

/// A byte-stable encoding for content hashes (pack versions, etags): fields in a fixed
/// order, texts as length-prefixed UTF-8, numbers as 8-byte big-endian integers, starting
/// with a tag naming what is encoded and its format version. Unlike JSON it cannot fail
/// and its bytes do not depend on an encoder's formatting choices.
struct CanonicalBytes {
    private(set) var bytes: [UInt8] = []

    /// Starts an encoding of the kind `tag` (e.g. `pack-content/1`).
    init(tag: String) {
        append(tag)
    }

    mutating func append(_ number: Int) {
        withUnsafeBytes(of: Int64(number).bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ text: String) {
        append(text.utf8.count)
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ texts: [String]) {
        append(texts.count)
        for text in texts { append(text) }
    }

    mutating func append(_ rules: [Rule]) {
        append(rules.count)
        for rule in rules {
            append(rule.id)
            append(rule.surface.rawValue)
            append(rule.match)
            append(rule.level.rawValue)
            append(rule.risk.rawValue)
            append(rule.description)
        }
    }

    mutating func append(_ floors: [RiskFloor]) {
        append("floors")
        append(floors.count)
        for floor in floors {
            append(floor.risk.rawValue)
            append(floor.level.rawValue)
            append(floor.fromRing.number)
            append(floor.exceptions.rawValue)
        }
    }

    /// SHA-256 of the bytes.
    var digest: SHA256.Digest { SHA256.hash(data: bytes) }
}
