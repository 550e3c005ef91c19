/// A compiled glob for repository slugs and paths: `*` matches any characters except `/`,
/// `**` any characters including `/`, `?` one character other than `/`; everything else
/// matches itself. Matching is case-insensitive for ASCII.
///
/// ```swift
/// Glob("payments/*").matches("payments/api")        // true
/// Glob("payments/*").matches("payments/api/v2")     // false
/// Glob("**/.env").matches("src/app/.env")           // true
/// ```
///
/// Matching runs in O(pattern × text) time whatever the pattern, so a hostile pattern
/// such as `*a*a*a*a*b` cannot make it backtrack exponentially.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    enum Token: Sendable, Hashable {
        case literal(UInt8)
        case anyOne
        case anyInSegment
        case anyAcrossSegments
        /// `**/`: nothing, or anything ending in `/`.
        case anyAcrossSegmentsThenSlash
        /// `?` in a command pattern: any one byte, `/` included.
        case anyByte
    }

    /// The pattern as written.
    public let pattern: String
    let tokens: [Token]
    /// Set when the pattern has no wildcard: a plain comparison suffices.
    let literal: [UInt8]?
    /// The literal bytes before the first wildcard; a text not starting with them fails at once.
    let prefix: [UInt8]

    /// Compiles a path or repository pattern.
    public init(_ pattern: String) {
        self.init(pattern, command: false)
    }

    /// Compiles a command pattern (`risky_shell`, `credential_exfiltration`): there is no
    /// path structure in a command line, so `*` matches any characters, `/` included, and
    /// `?` any one character.
    ///
    /// ```swift
    /// Glob(command: "curl * | sh").matches("curl https://x.io/i.sh | sh")   // true
    /// ```
    public init(command pattern: String) {
        self.init(pattern, command: true)
    }

    private init(_ pattern: String, command: Bool) {
        self.pattern = pattern
        var tokens: [Token] = []
        let bytes = Array(pattern.utf8).map(Self.folded)
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "*") where command:
                while index < bytes.count, bytes[index] == UInt8(ascii: "*") { index += 1 }
                tokens.append(.anyAcrossSegments)
            case UInt8(ascii: "?") where command:
                tokens.append(.anyByte)
                index += 1
            case UInt8(ascii: "*"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                    // `**/` also matches nothing, so `**/.env` matches `.env` at the top.
                    if index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: "/") {
                        tokens.append(.anyAcrossSegmentsThenSlash)
                        index += 3
                        continue
                    }
                    tokens.append(.anyAcrossSegments)
                    index += 2
                } else {
                    tokens.append(.anyInSegment)
                    index += 1
                }
            case UInt8(ascii: "?"):
                tokens.append(.anyOne)
                index += 1
            default:
                tokens.append(.literal(bytes[index]))
                index += 1
            }
        }
        self.tokens = tokens
        self.literal = tokens.allSatisfy { if case .literal = $0 { true } else { false } } ? bytes : nil
        var prefix: [UInt8] = []
        for token in tokens {
            guard case .literal(let byte) = token else { break }
            prefix.append(byte)
        }
        self.prefix = prefix
    }

    /// Whether a text matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        matches(folded: Self.fold(text))
    }

    /// Lower-cases ASCII letters of a text, the form ``matches(folded:)`` takes.
    static func fold(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        for index in bytes.indices { bytes[index] = folded(bytes[index]) }
        return bytes
    }

    /// Matching for a text already passed through ``fold(_:)`` (saves folding it once per pattern).
    func matches(folded bytes: [UInt8]) -> Bool {
        if let literal { return literal == bytes }
        guard bytes.count >= prefix.count, bytes.starts(with: prefix) else { return false }
        let width = bytes.count + 1
        // reachable[j]: the tokens consumed so far can match bytes[0..<j]. Two rows on the stack.
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: 2 * width) { buffer in
            var reachable = UnsafeMutableBufferPointer(rebasing: buffer[0..<width])
            var next = UnsafeMutableBufferPointer(rebasing: buffer[width..<(2 * width)])
            buffer.initialize(repeating: false)
            reachable[0] = true
            for token in tokens {
                next.update(repeating: false)
                switch token {
                case .literal(let byte):
                    for j in 0..<bytes.count where reachable[j] && bytes[j] == byte { next[j + 1] = true }
                case .anyOne:
                    for j in 0..<bytes.count where reachable[j] && bytes[j] != UInt8(ascii: "/") { next[j + 1] = true }
                case .anyByte:
                    for j in 0..<bytes.count where reachable[j] { next[j + 1] = true }
                case .anyInSegment:
                    for j in 0...bytes.count {
                        if reachable[j] || (j > 0 && next[j - 1] && bytes[j - 1] != UInt8(ascii: "/")) {
                            next[j] = true
                        }
                    }
                case .anyAcrossSegments:
                    var seen = false
                    for j in 0...bytes.count {
                        seen = seen || reachable[j]
                        next[j] = seen
                    }
                case .anyAcrossSegmentsThenSlash:
                    // Matches "" or "anything/".
                    for j in 0...bytes.count where reachable[j] { next[j] = true }
                    var seen = false
                    for j in 0..<bytes.count {
                        seen = seen || reachable[j]
                        if seen && bytes[j] == UInt8(ascii: "/") { next[j + 1] = true }
                    }
                }
                swap(&reachable, &next)
            }
            return reachable[bytes.count]
        }
    }

    public var description: String { pattern }

    private static func folded(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
