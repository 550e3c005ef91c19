import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The writes of one publish, each one statement over arrays (`unnest`), inside the
/// publish transaction.
extension PolicyStore {
    /// Pack versions not stored yet; a stored version must have the same content (published
    /// versions never change).
    static func insertPackVersions(
        _ packs: [PackVersion], revision: Int64, connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !packs.isEmpty else { return }
        let existing = try await connection.query(
            """
            SELECT v.pack, v.version, v.rules::text FROM pack_versions v
            JOIN unnest(\(packs.map(\.pack)), \(packs.map(\.version))) AS p(pack, version) ON v.pack = p.pack AND v.version = p.version
            """, logger: logger)
        var stored: Set<String> = []
        for try await (pack, version, json) in existing.decode((String, Int, String).self) {
            let content = try JSONDecoder().decode(PackContent.self, from: Data(json.utf8))
            guard let incoming = packs.first(where: { $0.pack == pack && $0.version == version }),
                content.description == incoming.description, content.rules == incoming.rules,
                content.floors ?? [] == incoming.floors
            else { throw PolicyStoreError.packVersionChanged(pack: pack, version: version) }
            stored.insert("\(pack)@\(version)")
        }
        let new = packs.filter { !stored.contains("\($0.pack)@\($0.version)") }
        guard !new.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var contents: [String] = []
        for pack in new {
            contents.append(
                String(
                    decoding: try encoder.encode(
                        PackContent(
                            description: pack.description, rules: pack.rules,
                            floors: pack.floors.isEmpty ? nil : pack.floors)),
                    as: UTF8.self))
        }
        try await connection.query(
            """
            INSERT INTO packs (name, description)
            SELECT DISTINCT ON (name) name, description FROM unnest(\(new.map(\.pack)), \(new.map(\.description))) AS p(name, description)
            ON CONFLICT (name) DO NOTHING
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO pack_versions (pack, version, rules, content_hash, published_in)
            SELECT pack, version, rules::jsonb, hash, \(revision)
            FROM unnest(\(new.map(\.pack)), \(new.map(\.version)), \(contents), \(new.map(\.contentHash))) AS p(pack, version, rules, hash)
            """, logger: logger)
    }

    /// The revision's assignments, and the history of what changed against the previous
    /// revision (added, changed, removed, with before and after).
    static func insertAssignments(
        _ assignments: [Assignment], revision: Int64, previousRevision: Int64?, actor: String,
        connection: PostgresConnection, logger: Logger
    ) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var previous: [String: (json: String, value: Assignment)] = [:]
        if let previousRevision {
            let rows = try await connection.query(
                """
                SELECT a->>'id', a::text FROM policy_revisions, jsonb_array_elements(state->'assignments') a
                WHERE revision = \(previousRevision)
                """, logger: logger)
            for try await (id, json) in rows.decode((String, String).self) {
                previous[id] = (json, try JSONDecoder().decode(Assignment.self, from: Data(json.utf8)))
            }
        }
        var next: [String: (json: String, value: Assignment)] = [:]
        var ids: [String] = []
        var packs: [String] = []
        var versions: [Int] = []
        var priorities: [Int] = []
        var selectors: [String] = []
        var overrides: [String] = []
        var validFrom: [String] = []
        var validUntil: [String] = []
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for assignment in assignments {
            next[assignment.id] = (String(decoding: try encoder.encode(assignment), as: UTF8.self), assignment)
            ids.append(assignment.id)
            packs.append(assignment.pack ?? "")
            if case .exact(let number) = assignment.version { versions.append(number) } else { versions.append(0) }
            priorities.append(assignment.priority)
            selectors.append(String(decoding: try encoder.encode(assignment.selector), as: UTF8.self))
            let levels = Dictionary(
                uniqueKeysWithValues: assignment.overrides.map { ($0.key.rawValue, $0.value.rawValue) })
            overrides.append(String(decoding: try encoder.encode(levels), as: UTF8.self))
            validFrom.append(assignment.validFrom.map(iso.string(from:)) ?? "")
            validUntil.append(assignment.validUntil.map(iso.string(from:)) ?? "")
        }
        if !ids.isEmpty {
            // Arrays cannot hold NULL here: '' and 0 stand for "none" (pack versions start at 1).
            try await connection.query(
                """
                INSERT INTO assignments (revision, id, pack, pack_version, priority, selector, overrides, valid_from, valid_until)
                SELECT \(revision), id, NULLIF(pack, ''), NULLIF(version, 0), priority, selector::jsonb, overrides::jsonb,
                       NULLIF(valid_from, '')::timestamptz, NULLIF(valid_until, '')::timestamptz
                FROM unnest(\(ids), \(packs), \(versions), \(priorities), \(selectors), \(overrides), \(validFrom), \(validUntil))
                     AS a(id, pack, version, priority, selector, overrides, valid_from, valid_until)
                """, logger: logger)
        }
        var changedIDs: [String] = []
        var changes: [String] = []
        var befores: [String] = []
        var afters: [String] = []
        for id in Set(previous.keys).union(next.keys).sorted() {
            let before = previous[id]
            let after = next[id]
            let change: String
            switch (before, after) {
            case (nil, _?): change = "added"
            case (_?, nil): change = "removed"
            case (let old?, let new?) where old.value != new.value: change = "changed"
            default: continue
            }
            changedIDs.append(id)
            changes.append(change)
            befores.append(before?.json ?? "")
            afters.append(after?.json ?? "")
        }
        guard !changedIDs.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO assignment_history (revision, actor, assignment_id, change, before, after)
            SELECT \(revision), \(actor), id, change, NULLIF(before, '')::jsonb, NULLIF(after, '')::jsonb
            FROM unnest(\(changedIDs), \(changes), \(befores), \(afters)) WITH ORDINALITY AS h(id, change, before, after, n)
            ORDER BY n
            """, logger: logger)
    }

    /// Ring and role mappings replaced by the bundle's.
    static func replaceMappings(_ bundle: PolicyBundle, connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("DELETE FROM ring_mappings", logger: logger)
        if !bundle.effectiveRingMappings.isEmpty {
            try await connection.query(
                """
                INSERT INTO ring_mappings (group_ref, ring, priority)
                SELECT group_ref, ring, priority FROM unnest(\(bundle.effectiveRingMappings.map(\.group)), \(bundle.effectiveRingMappings.map(\.ring.rawValue)),
                                                             \(bundle.effectiveRingMappings.map(\.priority))) WITH ORDINALITY AS m(group_ref, ring, priority, n)
                ORDER BY n
                ON CONFLICT (group_ref) DO NOTHING
                """, logger: logger)
        }
        try await connection.query("DELETE FROM role_mappings", logger: logger)
        if !bundle.roleMappings.isEmpty {
            try await connection.query(
                """
                INSERT INTO role_mappings (group_ref, role)
                SELECT group_ref, role FROM unnest(\(bundle.roleMappings.map(\.group)), \(bundle.roleMappings.map(\.role))) AS m(group_ref, role)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }
}
