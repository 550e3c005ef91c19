import Foundation
import PostgresNIO
import RingfenceCore

extension ExceptionStore {
    /// A page of requests, newest first, after the request `before` (keyset on the id);
    /// with `decider`, only those that person may decide: the requester is in a group they
    /// own (nested membership counting), or they are in `approverGroup`. Also says whether
    /// more follow.
    public func page(
        status: ExceptionRequest.Status?, before: Int64?, limit: Int, decider: String?, approverGroup: String?
    ) async throws -> (requests: [ExceptionRequest], more: Bool) {
        var ownedOnly = decider
        if let decider, let approverGroup, try await isMember(decider, of: approverGroup) { ownedOnly = nil }
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.columns) FROM exception_requests er
            WHERE (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(before)::bigint IS NULL OR id < \(before))
              AND (\(ownedOnly)::text IS NULL OR (lower(er.requester) <> lower(\(ownedOnly)) AND EXISTS (
                    SELECT 1 FROM directory_users r
                    JOIN effective_memberships m ON m.user_id = r.id
                    JOIN directory_groups g ON g.id = m.group_id AND g.deleted_at IS NULL
                    CROSS JOIN LATERAL unnest(g.owners) AS o(dn)
                    JOIN directory_users d ON lower(d.username) = lower(\(ownedOnly)) AND d.deleted_at IS NULL
                         AND coalesce(d.dn_key, lower(d.dn)) = lower(o.dn)
                    WHERE lower(r.username) = lower(er.requester) AND r.deleted_at IS NULL)))
            ORDER BY id DESC LIMIT \(limit + 1)
            """, logger: logger)
        var result: [ExceptionRequest] = []
        for try await row in rows { result.append(try Self.decode(row)) }
        let more = result.count > limit
        return (Array(result.prefix(limit)), more)
    }

    /// Whether a user is an active member of a group (nested membership counting).
    func isMember(_ user: String, of group: String) async throws -> Bool {
        let rows = try await client.query(
            """
            SELECT 1 FROM directory_users u
            JOIN effective_memberships m ON m.user_id = u.id
            JOIN directory_groups g ON g.id = m.group_id AND g.deleted_at IS NULL
            WHERE lower(u.username) = lower(\(user)) AND u.deleted_at IS NULL AND lower(g.name) = lower(\(group))
            LIMIT 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
