import Crypto
import Foundation

/// One policy revision compiled for the resolver.
///
/// Built once per revision (docs/resolution.md, "Snapshot"): assignments ranked, names
/// normalized, globs compiled, each pack version's rules grouped by surface with a content
/// digest, and an inverted index from groups and roles to the assignments that select
/// them. Immutable and cheap to copy (a reference to shared storage), so a server can hand
/// the current snapshot to every request.
public struct PolicySnapshot: Sendable {
    /// The policy revision it was compiled from (0 for policy read from files).
    public let revision: Int64
    /// The bundle it was compiled from.
    public var bundle: PolicyBundle { storage.bundle }
    let storage: Storage

    /// Compiles a bundle.
    ///
    /// - Throws: ``PolicySnapshotError`` listing every problem of ``PolicyBundle/validate()``.
    public init(bundle: PolicyBundle, revision: Int64 = 0) throws(PolicySnapshotError) {
        let problems = bundle.validate()
        guard problems.isEmpty else { throw PolicySnapshotError(problems: problems.map(\.message)) }
        self.revision = revision
        self.storage = Storage(bundle: bundle)
    }

    /// Every surface the snapshot's packs and overrides speak about, sorted by name.
    public var surfaces: [Surface] { storage.surfaces }

    /// The assignments in rank order.
    public var rankedAssignments: [Assignment] { storage.assignments.map(\.source) }

    /// Memory held by the compiled snapshot, roughly (for benchmarks and metrics).
    public var approximateByteCount: Int { storage.approximateByteCount }
}

/// A bundle that cannot be compiled, with every reason.
public struct PolicySnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One line per problem.
    public var problems: [String]

    public var description: String { "invalid policy: " + problems.joined(separator: "; ") }
}

extension PolicySnapshot {
    /// The shared, immutable compiled form.
    final class Storage: Sendable {
        let bundle: PolicyBundle
        let surfaces: [Surface]
        let surfaceIndex: [Surface: Int]
        let packVersions: [CompiledPackVersion]
        let assignments: [CompiledAssignment]
        /// Per rank: bit 0 = selects groups, bit 1 = selects roles (read for every assignment
        /// of every resolution, so kept apart from the compiled assignments).
        let gate: [UInt8]
        /// Per slice (pack version × surface count + surface): which risk classes have rules
        /// there (bit = ``Rule/Risk/rank``; 0 = no rule on that surface).
        let packSurfaceRisks: [UInt8]
        /// Per (slice × 4 + risk rank): strongest and weakest rule level (`off` = none) and
        /// the first 16 bytes of the digest of those rules.
        let packSurfaceRiskMax: [Level]
        let packSurfaceRiskMin: [Level]
        let packSurfaceRiskDigest: [UInt8]
        /// Per (pack version × 16 + (ring − 1) × 4 + risk rank): the floor in force for that
        /// pack's rules (`off` = none) and its index in `floors` (−1 = none).
        let floorLevel: [Level]
        let floorSource: [Int16]
        /// The floors of the policy, then those of every pack version.
        let floors: [AppliedFloor]
        let packOrdinal: [Int32]
        /// Everything the policy says about a group, so a user's groups are hashed once each.
        let groups: [String: GroupFacts]
        let roleIndex: [String: [Int32]]
        let unconstrained: [Int32]
        let hasRoleMappings: Bool
        let packCount: Int
        /// `repositories.yaml`, compiled.
        let repositories: RepositoryCatalog
        /// 16 bytes identifying the approved MCP server catalogue, for the etag.
        let mcpCatalogDigest: [UInt8]
        /// Exceptions by user and holds by group (normalized names), as indices into
        /// `bundle.adjustments`.
        let adjustmentsByUser: [String: [Int32]]
        let adjustmentsByGroup: [String: [Int32]]

        init(bundle: PolicyBundle) {
            self.bundle = bundle
            self.repositories = RepositoryCatalog(bundle.repositories)
            var catalog: [UInt8] = []
            for server in bundle.mcpServers.sorted(by: { $0.name < $1.name }) {
                for part in [server.name, server.url ?? ""] + (server.command ?? []) {
                    catalog += Array(part.utf8) + [0]
                }
                catalog.append(0xFF)
            }
            self.mcpCatalogDigest = Array(SHA256.hash(data: catalog).prefix(16))
            var surfaceSet: Set<Surface> = []
            for pack in bundle.packs { for rule in pack.rules { surfaceSet.insert(rule.surface) } }
            // Selector surfaces count too: an assignment that acts on a surface must find it
            // in the snapshot whatever other assignments say, or removing an assignment that
            // did not match could change which ones do (found by the property tests).
            for assignment in bundle.assignments {
                surfaceSet.formUnion(assignment.overrides.keys)
                surfaceSet.formUnion(assignment.selector.surfaces)
            }
            let surfaces = surfaceSet.sorted()
            let surfaceIndex = Dictionary(uniqueKeysWithValues: surfaces.enumerated().map { ($1, $0) })
            self.surfaces = surfaces
            self.surfaceIndex = surfaceIndex

            // Pack names get an ordinal in name order: the canonical order of the etag.
            let packNames = Set(bundle.packs.map(\.pack)).sorted()
            let packOrdinal = Dictionary(uniqueKeysWithValues: packNames.enumerated().map { ($1, $0) })
            packCount = packNames.count
            packVersions = bundle.packs.map {
                CompiledPackVersion(
                    $0, ordinal: packOrdinal[$0.pack]!, surfaceIndex: surfaceIndex, surfaceCount: surfaces.count)
            }
            let versionIndex = Dictionary(
                uniqueKeysWithValues: packVersions.enumerated().map { ("\($1.pack)@\($1.version)", $0) })

            let ranked = bundle.assignments.sorted(by: Assignment.ranksBefore)
            assignments = ranked.enumerated().map { rank, assignment in
                var pack: (version: Int32, ordinal: Int32)? = nil
                if let name = assignment.pack, let version = bundle.packVersion(named: name, assignment.version) {
                    pack = (Int32(versionIndex["\(name)@\(version.version)"]!), Int32(packOrdinal[name]!))
                }
                return CompiledAssignment(
                    assignment, rank: rank, pack: pack, surfaceIndex: surfaceIndex, surfaceCount: surfaces.count)
            }

            gate = assignments.map { ($0.groups.isEmpty ? 0 : 1) | ($0.roles.isEmpty ? 0 : 2) }
            packSurfaceRisks = packVersions.flatMap(\.risksBySurface)
            packSurfaceRiskMax = packVersions.flatMap(\.maxLevelBySurfaceRisk)
            packSurfaceRiskMin = packVersions.flatMap(\.minLevelBySurfaceRisk)
            packSurfaceRiskDigest = packVersions.flatMap { $0.digestBySurfaceRisk.flatMap { $0.prefix(16) } }

            // Floors: the policy's apply to every pack's rules, a pack's to its own; the
            // highest level in force wins (the first declared among equals).
            var floors = bundle.floors.map { AppliedFloor(floor: $0, pack: nil) }
            var floorLevel = [Level](repeating: .off, count: bundle.packs.count * 16)
            var floorSource = [Int16](repeating: -1, count: bundle.packs.count * 16)
            let policyFloors = floors.count
            for (index, pack) in bundle.packs.enumerated() {
                let first = floors.count
                floors += pack.floors.map { AppliedFloor(floor: $0, pack: pack.pack) }
                let candidates = Array(0..<policyFloors) + Array(first..<floors.count)
                for ring in Ring.allCases {
                    for source in candidates where floors[source].floor.applies(in: ring) {
                        let floor = floors[source].floor
                        let slot = index * 16 + (ring.number - 1) * 4 + floor.risk.rank
                        if floor.level > floorLevel[slot] {
                            floorLevel[slot] = floor.level
                            floorSource[slot] = Int16(source)
                        }
                    }
                }
            }
            self.floors = floors
            self.floorLevel = floorLevel
            self.floorSource = floorSource
            self.packOrdinal = packVersions.map { Int32($0.ordinal) }

            var groupIndex: [String: [Int32]] = [:]
            var roleIndex: [String: [Int32]] = [:]
            var unconstrained: [Int32] = []
            for assignment in assignments {
                for group in assignment.groups { groupIndex[group, default: []].append(Int32(assignment.rank)) }
                for role in assignment.roles { roleIndex[role, default: []].append(Int32(assignment.rank)) }
                if assignment.groups.isEmpty && assignment.roles.isEmpty {
                    unconstrained.append(Int32(assignment.rank))
                }
            }
            self.roleIndex = roleIndex
            self.unconstrained = unconstrained

            var groups: [String: GroupFacts] = groupIndex.mapValues {
                GroupFacts(assignments: $0, ring: nil, roles: [])
            }
            for mapping in bundle.effectiveRingMappings {
                let group = DecisionContext.normalize(mapping.group)
                if let existing = groups[group]?.ring, !Self.ringMapping(mapping, beats: existing) { continue }
                groups[group, default: GroupFacts()].ring = mapping
            }
            for mapping in bundle.roleMappings {
                groups[DecisionContext.normalize(mapping.group), default: GroupFacts()].roles.append(
                    DecisionContext.normalize(mapping.role))
            }
            self.groups = groups
            hasRoleMappings = !bundle.roleMappings.isEmpty
            var byUser: [String: [Int32]] = [:]
            var byGroup: [String: [Int32]] = [:]
            for (index, adjustment) in bundle.adjustments.enumerated() {
                switch adjustment.kind {
                case .exception:
                    if let user = adjustment.user {
                        byUser[DecisionContext.normalize(user), default: []].append(Int32(index))
                    }
                case .hold:
                    if let group = adjustment.group {
                        byGroup[DecisionContext.normalize(group), default: []].append(Int32(index))
                    }
                }
            }
            adjustmentsByUser = byUser
            adjustmentsByGroup = byGroup
        }

        /// Rule 2: higher priority wins, then the lower ring.
        static func ringMapping(_ candidate: RingMapping, beats current: RingMapping) -> Bool {
            candidate.priority != current.priority
                ? candidate.priority > current.priority : candidate.ring < current.ring
        }

        var approximateByteCount: Int {
            let rules = packVersions.reduce(0) { $0 + $1.ruleCount } * 160
            let assignmentBytes =
                assignments.count * (MemoryLayout<CompiledAssignment>.stride + surfaces.count * 2 + 64)
            let index =
                (groups.values.reduce(0) { $0 + $1.assignments.count } + roleIndex.values.reduce(0) { $0 + $1.count })
                * 4
                + (groups.count + roleIndex.count) * 64
            return rules + assignmentBytes + index
        }
    }

    /// What the policy says about one group: the assignments selecting it, its ring mapping
    /// (the winning one, rule 2) and the roles it grants.
    struct GroupFacts: Sendable {
        var assignments: [Int32] = []
        var ring: RingMapping?
        var roles: [String] = []
    }

    /// A pack version with its rules grouped by surface.
    struct CompiledPackVersion: Sendable {
        let pack: String
        let version: Int
        /// Position of the pack name in name order.
        let ordinal: Int
        /// Rules per surface index, sorted by rule id (numbers compared as numbers: RS-2 before RS-12).
        let rulesBySurface: [[Rule]]
        /// Per surface: which risk classes have rules (bit = risk rank).
        let risksBySurface: [UInt8]
        /// Per (surface × 4 + risk rank): SHA-256 over pack, version and those rules, and
        /// their weakest and strongest level (`off` = no rule).
        let digestBySurfaceRisk: [[UInt8]]
        let minLevelBySurfaceRisk: [Level]
        let maxLevelBySurfaceRisk: [Level]
        let ruleCount: Int

        init(_ pack: PackVersion, ordinal: Int, surfaceIndex: [Surface: Int], surfaceCount: Int) {
            self.pack = pack.pack
            self.version = pack.version
            self.ordinal = ordinal
            var rules = [[Rule]](repeating: [], count: surfaceCount)
            for rule in pack.rules { rules[surfaceIndex[rule.surface]!].append(rule) }
            rulesBySurface = rules.map { $0.sorted { $0.id.compare($1.id, options: .numeric) == .orderedAscending } }
            let byRisk = rulesBySurface.flatMap { rules in
                Rule.Risk.allCases.map { risk in rules.filter { $0.risk == risk } }
            }
            risksBySurface = rulesBySurface.map { $0.reduce(UInt8(0)) { $0 | UInt8(1 << $1.risk.rank) } }
            digestBySurfaceRisk = byRisk.map { rules in
                var bytes = CanonicalBytes(tag: "pack-surface-risk/1")
                bytes.append(pack.pack)
                bytes.append(pack.version)
                bytes.append(rules)
                return Array(bytes.digest)
            }
            minLevelBySurfaceRisk = byRisk.map { $0.map(\.level).min() ?? .off }
            maxLevelBySurfaceRisk = byRisk.map { $0.map(\.level).max() ?? .off }
            ruleCount = pack.rules.count
        }
    }

    /// An assignment with its selector compiled. A class, so walking the ranked list costs
    /// one reference count per assignment rather than one per field.
    final class CompiledAssignment: Sendable {
        let source: Assignment
        let rank: Int
        /// Index into `packVersions` and the pack's ordinal; nil for overrides only.
        let packVersion: Int32?
        let packOrdinal: Int32?
        /// Override per surface index.
        let overrideBySurface: [Level?]
        let hasOverrides: Bool
        let groups: [String]
        let roles: [String]
        let ringMask: UInt8
        let hostTags: Set<String>
        let repoGlobs: [Glob]
        let trustMask: UInt8
        let agents: Set<String>
        /// Risk classes it acts on (bit = risk rank; all four when the selector names none).
        let riskMask: UInt8
        /// Allowed surface indices; nil = all.
        let surfaceFilter: [Bool]?
        let validFrom: Date?
        let validUntil: Date?
        let targeted: Bool

        init(
            _ assignment: Assignment, rank: Int, pack: (version: Int32, ordinal: Int32)?,
            surfaceIndex: [Surface: Int], surfaceCount: Int
        ) {
            source = assignment
            self.rank = rank
            packVersion = pack?.version
            packOrdinal = pack?.ordinal
            var overrides = [Level?](repeating: nil, count: surfaceCount)
            for (surface, level) in assignment.overrides { overrides[surfaceIndex[surface]!] = level }
            overrideBySurface = overrides
            hasOverrides = !assignment.overrides.isEmpty
            let selector = assignment.selector
            groups = DecisionContext.normalized(selector.groups)
            roles = DecisionContext.normalized(selector.roles)
            ringMask = selector.hostRings.reduce(0) { $0 | UInt8(1 << $1.rawValue) }
            hostTags = Set(DecisionContext.normalized(selector.hostTags))
            repoGlobs = selector.repos.map { Glob($0) }
            trustMask = selector.repoTrust.reduce(0) { $0 | Self.bit($1) }
            agents = Set(DecisionContext.normalized(selector.agents))
            riskMask = selector.risks.isEmpty ? 0x0F : selector.risks.reduce(0) { $0 | UInt8(1 << $1.rank) }
            if selector.surfaces.isEmpty {
                surfaceFilter = nil
            } else {
                var filter = [Bool](repeating: false, count: surfaceCount)
                for surface in selector.surfaces { if let index = surfaceIndex[surface] { filter[index] = true } }
                surfaceFilter = filter
            }
            validFrom = assignment.validFrom
            validUntil = assignment.validUntil
            targeted = selector.isTargeted
        }

        static func bit(_ trust: RepoTrust) -> UInt8 {
            switch trust {
            case .sandbox: 1
            case .internal: 2
            case .production: 4
            case .unmanaged: 8
            }
        }
    }
}
