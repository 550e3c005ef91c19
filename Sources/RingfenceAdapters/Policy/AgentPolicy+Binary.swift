import RingfenceCore

/// The compact binary form of an `AgentPolicy` the hook reads on every call
/// (`policy.rfp` in the workstation cache): decoding JSON was most of the hook's work for
/// large policies. Each surface is prefixed by its length, so the hook decodes only the
/// surfaces its action is checked against.
///
/// Layout (integers as LEB128 varints, strings as varint length + UTF-8):
/// `"RFP2"`, user, ring, revision, etag, repository (slug, empty for none; trust index
/// in `RepoTrust.allCases`; managed 0/1), surface count, then per surface: byte length of
/// the rest of the surface, name, level, uncapped level, rule count, and per rule: pack,
/// pack version, id, pattern count, patterns, level, uncapped level, risk, description;
/// then (from `"RFP3"`) the byte length of the approved MCP server catalogue, its count,
/// and per server: name, URL (empty for none), word count, command words. `"RFP2"` files
/// (no catalogue) are still read.
extension AgentPolicy {
    static let magic: [UInt8] = Array("RFP3".utf8)
    static let previousMagic: [UInt8] = Array("RFP2".utf8)

    /// Why bytes are not a policy.
    public struct BinaryError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The binary form.
    public var binary: [UInt8] {
        var out = Self.magic
        Self.write(user, to: &out)
        Self.write(UInt64(max(0, ring)), to: &out)
        Self.write(UInt64(max(0, revision)), to: &out)
        Self.write(etag, to: &out)
        Self.write(repository?.slug ?? "", to: &out)
        out.append(UInt8(repository.map { RepoTrust.allCases.firstIndex(of: $0.trust)! } ?? 0))
        out.append(repository?.managed == true ? 1 : 0)
        Self.write(UInt64(surfaces.count), to: &out)
        for surface in surfaces {
            var body: [UInt8] = []
            Self.write(surface.surface.rawValue, to: &body)
            body.append(UInt8(surface.level.rank))
            body.append(UInt8(surface.uncappedLevel.rank))
            Self.write(UInt64(surface.rules.count), to: &body)
            for rule in surface.rules {
                Self.write(rule.pack, to: &body)
                Self.write(UInt64(max(0, rule.packVersion)), to: &body)
                Self.write(rule.id, to: &body)
                Self.write(UInt64(rule.match.count), to: &body)
                for pattern in rule.match { Self.write(pattern, to: &body) }
                body.append(UInt8(rule.level.rank))
                body.append(UInt8(rule.uncappedLevel.rank))
                body.append(UInt8(RingfenceCore.Rule.Risk.allCases.firstIndex(of: rule.risk)!))
                Self.write(rule.description, to: &body)
            }
            Self.write(UInt64(body.count), to: &out)
            out += body
        }
        var catalog: [UInt8] = []
        Self.write(UInt64(mcpServers.count), to: &catalog)
        for server in mcpServers {
            Self.write(server.name, to: &catalog)
            Self.write(server.url ?? "", to: &catalog)
            Self.write(UInt64(server.command?.count ?? 0), to: &catalog)
            for word in server.command ?? [] { Self.write(word, to: &catalog) }
        }
        Self.write(UInt64(catalog.count), to: &out)
        out += catalog
        return out
    }

    /// Decodes the binary form; with `only`, the other surfaces are skipped (left out).
    public init(binary bytes: [UInt8], only: Set<Surface>? = nil) throws(BinaryError) {
        var reader = Reader(bytes: bytes)
        let current = bytes.starts(with: Self.magic)
        guard current || bytes.starts(with: Self.previousMagic) else {
            throw BinaryError(description: "not a Ringfence policy file of this version (magic)")
        }
        reader.offset = Self.magic.count
        let user = try reader.string()
        let ring = Int(try reader.varint())
        let revision = Int64(try reader.varint())
        let etag = try reader.string()
        let slug = try reader.string()
        let trustIndex = Int(try reader.byte())
        let managed = try reader.byte()
        guard trustIndex < RepoTrust.allCases.count, managed <= 1 else {
            throw BinaryError(description: "bad repository")
        }
        let repository =
            slug.isEmpty
            ? nil : Repository(slug: slug, trust: RepoTrust.allCases[trustIndex], managed: managed == 1)
        var surfaces: [SurfacePolicy] = []
        for _ in 0..<(try reader.count()) {
            let length = Int(try reader.varint())
            guard length <= bytes.count - reader.offset else { throw BinaryError(description: "truncated surface") }
            let end = reader.offset + length
            let name = try reader.string()
            guard let surface = Surface(rawValue: name) else { throw BinaryError(description: "bad surface name") }
            if let only, !only.contains(surface) {
                reader.offset = end
                continue
            }
            let level = try reader.level()
            let uncapped = try reader.level()
            var rules: [Rule] = []
            for _ in 0..<(try reader.count()) {
                let pack = try reader.string()
                let packVersion = Int(try reader.varint())
                let id = try reader.string()
                var match: [String] = []
                for _ in 0..<(try reader.count()) { match.append(try reader.string()) }
                let ruleLevel = try reader.level()
                let ruleUncapped = try reader.level()
                let riskIndex = Int(try reader.byte())
                guard riskIndex < RingfenceCore.Rule.Risk.allCases.count else {
                    throw BinaryError(description: "bad risk")
                }
                rules.append(
                    Rule(
                        pack: pack, packVersion: packVersion, id: id, match: match, level: ruleLevel,
                        uncappedLevel: ruleUncapped,
                        risk: RingfenceCore.Rule.Risk.allCases[riskIndex], description: try reader.string()))
            }
            guard reader.offset == end else {
                throw BinaryError(description: "surface length does not match its content")
            }
            surfaces.append(SurfacePolicy(surface: surface, level: level, uncappedLevel: uncapped, rules: rules))
        }
        var servers: [ApprovedMcpServer] = []
        if current {
            let length = Int(try reader.varint())
            guard length <= bytes.count - reader.offset else { throw BinaryError(description: "truncated catalogue") }
            let end = reader.offset + length
            // The catalogue matters only to MCP calls; other actions skip it.
            if only.map({ $0.contains(.mcpTool) || $0.contains(.unapprovedMcpServer) }) ?? true {
                for _ in 0..<(try reader.count()) {
                    let name = try reader.string()
                    let url = try reader.string()
                    var words: [String] = []
                    for _ in 0..<(try reader.count()) { words.append(try reader.string()) }
                    servers.append(
                        ApprovedMcpServer(
                            name: name, command: words.isEmpty ? nil : words, url: url.isEmpty ? nil : url))
                }
                guard reader.offset == end else { throw BinaryError(description: "catalogue length does not match") }
            }
            reader.offset = end
        }
        guard reader.offset == bytes.count else { throw BinaryError(description: "trailing bytes") }
        self.init(
            user: user, ring: ring, revision: revision, etag: etag, repository: repository, surfaces: surfaces,
            mcpServers: servers)
    }

    static func write(_ value: UInt64, to out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    static func write(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        write(UInt64(utf8.count), to: &out)
        out += utf8
    }

    /// Reads the binary form, checking every length against what is left.
    struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func byte() throws(BinaryError) -> UInt8 {
            guard offset < bytes.count else { throw BinaryError(description: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() throws(BinaryError) -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let byte = try byte()
                guard shift < 63 || (shift == 63 && byte <= 1) else {
                    throw BinaryError(description: "varint too long")
                }
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }

        /// A count of items that each take at least one byte, so it cannot exceed what is left.
        mutating func count() throws(BinaryError) -> Int {
            let count = try varint()
            guard count <= UInt64(bytes.count - offset) else {
                throw BinaryError(description: "count larger than the file")
            }
            return Int(count)
        }

        mutating func string() throws(BinaryError) -> String {
            let length = try count()
            defer { offset += length }
            return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
        }

        mutating func level() throws(BinaryError) -> Level {
            let rank = Int(try byte())
            guard let level = Level.allCases.first(where: { $0.rank == rank }) else {
                throw BinaryError(description: "bad level")
            }
            return level
        }
    }
}
