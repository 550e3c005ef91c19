import Crypto

/// Computes a resolution's etag from its effective content only (docs/resolution.md, rule 11).
///
/// Per surface, each contribution is encoded as the digest of its pack's rules of one risk
/// class on that surface plus the *canonical* form of its override, floor and cap: an override that changes no
/// rule's level and a cap that caps nothing are left out, so two resolutions whose rules
/// and levels are the same get the same etag however they came about. Costs O(surfaces ×
/// contributing packs), not O(rules).
enum ResolutionDigest {
    static func etag(
        ring: Ring, repository: RepositoryFacts?, surfaces: [SurfaceResolution], storage: PolicySnapshot.Storage
    ) -> String {
        var bytes: [UInt8] = [0x52, 0x46, 0x01, UInt8(ring.rawValue)]  // "RF", format 1, ring
        // Whether the repository is managed decides `unmanaged_repo` at the hook; its trust
        // counts only through the rules it selects.
        if let repository { bytes.append(repository.managed ? 0xFB : 0xFC) }
        // The approved MCP catalogue decides `unapproved_mcp_server` at the hook and in the
        // agents' allowlists, and names Cursor's MCP servers, when MCP surfaces have rules.
        if surfaces.contains(where: {
            ($0.surface == .unapprovedMcpServer || $0.surface == .mcpTool) && !$0.contributions.isEmpty
        }) {
            bytes.append(0xFA)
            bytes.append(contentsOf: storage.mcpCatalogDigest)
        }
        bytes.reserveCapacity(16 + surfaces.reduce(0) { $0 + 24 + $1.contributions.count * 19 })
        // A surface with no effective rule has no content: leaving it out keeps the etag
        // independent of surfaces that only other, unrelated assignments mention.
        let surfaceCount = storage.surfaces.count
        storage.packSurfaceRiskDigest.withUnsafeBufferPointer { digests in
            for surface in surfaces where !surface.contributions.isEmpty {
                bytes.append(contentsOf: surface.surface.rawValue.utf8)
                bytes.append(0)
                bytes.append(UInt8(surface.level.rank))
                bytes.append(UInt8(surface.uncappedLevel.rank))
                guard let surfaceIndex = surface.surfaceIndex else { continue }
                for contribution in surface.contributions {
                    // 16 bytes of the digest of the pack's rules of this risk class on this
                    // surface identify the content.
                    let slot =
                        (Int(contribution.packVersion) * surfaceCount + surfaceIndex) * 4 + Int(contribution.risk)
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digests[(slot * 16)..<(slot * 16 + 16)]))
                    let ruleMin = storage.packSurfaceRiskMin[slot]
                    let ruleMax = storage.packSurfaceRiskMax[slot]
                    // Canonical override: absent when every rule already has that level.
                    var override = contribution.override
                    if let level = override, ruleMin == level, ruleMax == level { override = nil }
                    bytes.append(override.map { UInt8($0.rank) } ?? 0xFF)
                    // Canonical floor: absent when it raises no rule above its override and cap.
                    let cap = contribution.cap
                    let lowest = min(override ?? ruleMin, cap)
                    let floor = contribution.floor > lowest ? contribution.floor : .off
                    bytes.append(floor > .off ? UInt8(floor.rank) : 0xFF)
                    // Canonical cap: absent when it caps nothing; any cap at or below every level is uniform.
                    let uncappedMax = max(override ?? ruleMax, floor)
                    bytes.append(cap >= uncappedMax ? 0xFF : UInt8(cap.rank))
                    if contribution.adjusted { appendAdjusted(contribution, surface: surface, to: &bytes) }
                }
                bytes.append(0xFE)
            }
        }
        return Array(SHA256.hash(data: bytes).prefix(16)).hex
    }

    /// Rule 7b: the levels of the rules an exception or hold changed, by rule id.
    private static func appendAdjusted(
        _ contribution: Contribution, surface: SurfaceResolution, to bytes: inout [UInt8]
    ) {
        guard let surfaceIndex = surface.surfaceIndex else { return }
        let storage = surface.storage
        let pack = storage.packVersions[Int(contribution.packVersion)]
        let allows = contribution.floorAllowsExceptions(storage)
        bytes.append(0xF9)
        for rule in pack.rulesBySurface[surfaceIndex] where rule.risk.rank == Int(contribution.risk) {
            let levels = contribution.levels(
                of: rule, pack: pack.pack, adjustments: surface.adjustments, storage: storage,
                floorAllowsExceptions: allows)
            guard levels.adjustment != nil else { continue }
            bytes.append(contentsOf: rule.id.utf8)
            bytes.append(0)
            bytes.append(UInt8(levels.applied.rank))
            bytes.append(UInt8(levels.uncapped.rank))
        }
    }
}
