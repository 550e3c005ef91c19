import Logging
import PostgresNIO
import RingfenceCore

/// Follows the published policy: loads the latest revision, then listens on
/// `ringfence_policy` and loads each new revision as it is announced.
///
/// If PostgreSQL goes away, the watcher keeps what it delivered (callers go on serving the
/// last snapshot), retries with a growing delay (0.2 s doubling to 5 s), and on reconnect
/// loads the latest revision in case it missed announcements.
public struct PolicyWatcher: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.policy.watcher")) {
        self.client = client
        self.logger = logger
    }

    /// Runs until cancelled, calling `deliver` with every new snapshot (never the same
    /// revision twice in a row) and `state` when the connection is lost or regained.
    public func run(
        deliver: @Sendable (PolicySnapshot) async -> Void,
        connected: @Sendable (Bool) async -> Void = { _ in }
    ) async {
        let store = PolicyStore(client: client, logger: logger)
        var delivered: Int64?
        var delay: Duration = .milliseconds(200)
        while !Task.isCancelled {
            var lost = "the notification stream ended"
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: PolicyStore.channel) { notifications in
                        await connected(true)
                        delay = .milliseconds(200)
                        // Load after listening starts, so no publish can fall in between.
                        try await deliverLatest(store, delivered: &delivered, deliver: deliver)
                        for try await _ in notifications {
                            try await deliverLatest(store, delivered: &delivered, deliver: deliver)
                        }
                    }
                }
            } catch {
                lost = String(reflecting: error)
            }
            // Either way the LISTEN connection is gone (a server shutdown can end the
            // notification stream without an error): not live until listening again.
            if Task.isCancelled { return }
            await connected(false)
            logger.warning(
                "policy watcher lost PostgreSQL; serving the last snapshot and retrying",
                metadata: ["error": "\(lost)", "retry_in": "\(delay)"])
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    private func deliverLatest(
        _ store: PolicyStore, delivered: inout Int64?,
        deliver: @Sendable (PolicySnapshot) async -> Void
    ) async throws {
        guard let revision = try await store.currentRevision()?.number, revision != delivered else { return }
        let snapshot = try await store.snapshot(revision: revision)
        delivered = revision
        logger.info("policy snapshot loaded", metadata: ["revision": "\(revision)"])
        await deliver(snapshot)
    }
}
