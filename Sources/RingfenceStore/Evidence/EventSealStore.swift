import Crypto
import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// Seals and checks the audit events of each host and UTC day (`event_seals`,
/// docs/reliability.md "Tamper evidence"): ``sealDue(key:now:days:)`` seals the past days
/// that have no seal or got events since, ``verify(trustedKey:now:days:)`` recomputes every
/// latest seal from the events in PostgreSQL.
public struct EventSealStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.seals")) {
        self.client = client
        self.logger = logger
    }

    /// One host-day's check.
    public struct Check: Sendable, Hashable {
        public var hostID: UUID
        public var day: String
        public var version: Int
        public var finding: EventSeal.Finding
        /// Events of the day received after the seal: late arrivals not sealed yet, or inserted.
        public var unsealed: Int
    }

    /// Seals every host-day of the last `days` full UTC days before `now` that has events
    /// and either no seal or events received after its latest; returns how many seals it wrote.
    @discardableResult
    public func sealDue(key: Curve25519.Signing.PrivateKey, now: Date = Date(), days: Int = 8) async throws -> Int {
        let today = Self.dayStart(now)
        let from = today.addingTimeInterval(-Double(days) * 86_400)
        let rows = try await client.query(
            """
            WITH e AS (
                SELECT host_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, max(received_at) AS last
                FROM audit_events WHERE occurred_at >= \(from) AND occurred_at < \(today)
                GROUP BY 1, 2)
            SELECT e.host_id, to_char(e.day, 'YYYY-MM-DD'), coalesce(s.version, 0) FROM e
            LEFT JOIN LATERAL (
                SELECT version, received_until FROM event_seals x
                WHERE x.host_id = e.host_id AND x.day = e.day ORDER BY version DESC LIMIT 1) s ON true
            WHERE s.version IS NULL OR e.last > s.received_until
            ORDER BY 2, 1
            """, logger: logger)
        var sealed = 0
        for (host, day, version) in try await rows.decode((UUID, String, Int).self).collect() {
            let received = try await events(host: host, day: day)
            let seal = try EventSeal.seal(
                received.map(\.event), hostID: host, day: day, version: version + 1,
                receivedUntil: received.map(\.receivedAt).max() ?? now, key: key)
            try await client.query(
                """
                INSERT INTO event_seals (host_id, day, version, received_until, event_count, root, signature, public_key)
                VALUES (\(host), \(day)::date, \(seal.version), \(seal.receivedUntil), \(seal.count),
                        \(ByteBuffer(bytes: seal.root)), \(ByteBuffer(bytes: seal.signature)), \(ByteBuffer(bytes: seal.publicKey)))
                ON CONFLICT DO NOTHING
                """, logger: logger)
            sealed += 1
        }
        if sealed > 0 { logger.info("sealed audit events", metadata: ["seals": "\(sealed)"]) }
        return sealed
    }

    /// Checks the latest seal of every host-day of the last `days` UTC days before `now`
    /// (optionally one host's) against the events in PostgreSQL.
    public func verify(trustedKey: [UInt8], now: Date = Date(), days: Int = 7, host: UUID? = nil) async throws
        -> [Check]
    {
        let from = Self.dayStart(now).addingTimeInterval(-Double(days) * 86_400)
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (host_id, day) \(unescaped: Self.sealColumns)
            FROM event_seals WHERE day >= \(from)::date AND (\(host)::uuid IS NULL OR host_id = \(host))
            ORDER BY host_id, day, version DESC
            """, logger: logger)
        var checks: [Check] = []
        for seal in try await Self.seals(rows) {
            // One read of the day: the events the seal covers, and those received after it.
            let all = try await self.events(host: seal.hostID, day: seal.day)
            let covered = all.filter { $0.receivedAt <= seal.receivedUntil }.map(\.event)
            checks.append(
                Check(
                    hostID: seal.hostID, day: seal.day, version: seal.version,
                    finding: seal.check(covered, trustedKey: trustedKey), unsealed: all.count - covered.count))
        }
        return checks.sorted { ($0.day, $0.hostID.uuidString) < ($1.day, $1.hostID.uuidString) }
    }

    /// The latest seal of a host's UTC day (`yyyy-MM-dd`) and the events it covers as they
    /// are now (received up to the seal, whatever their state); nil when the day has no seal.
    public func latestSeal(host: UUID, day: String) async throws -> (seal: EventSeal, covered: [AuditEventRecord])? {
        let rows = try await client.query(
            """
            SELECT \(unescaped: Self.sealColumns) FROM event_seals
            WHERE host_id = \(host) AND day = \(day)::date ORDER BY version DESC LIMIT 1
            """, logger: logger)
        guard let seal = try await Self.seals(rows).first else { return nil }
        let covered = try await events(host: host, day: day).filter { $0.receivedAt <= seal.receivedUntil }
        return (seal, covered.map(\.event))
    }

    private static let sealColumns = """
        host_id, to_char(day, 'YYYY-MM-DD'), version, received_until, event_count, root, signature, public_key
        """

    private static func seals(_ rows: PostgresRowSequence) async throws -> [EventSeal] {
        var seals: [EventSeal] = []
        for try await (hostID, day, version, until, count, root, signature, key) in rows.decode(
            (UUID, String, Int, Date, Int, ByteBuffer, ByteBuffer, ByteBuffer).self)
        {
            seals.append(
                EventSeal(
                    hostID: hostID, day: day, version: version, receivedUntil: until, count: count,
                    root: Array(root.readableBytesView), signature: Array(signature.readableBytesView),
                    publicKey: Array(key.readableBytesView)))
        }
        return seals
    }

    /// A host's events of a UTC day, each with when it was received.
    func events(host: UUID, day: String) async throws -> [StoredEvent] {
        let rows = try await client.query(
            """
            SELECT \(unescaped: StoredEvent.columns) FROM audit_events
            WHERE host_id = \(host) AND occurred_at >= \(day)::date AT TIME ZONE 'UTC'
              AND occurred_at < (\(day)::date + 1) AT TIME ZONE 'UTC'
            """, logger: logger)
        var events: [StoredEvent] = []
        for try await row in rows { events.append(try StoredEvent(row)) }
        return events
    }

    static func dayStart(_ moment: Date) -> Date {
        Date(timeIntervalSince1970: (moment.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }
}
