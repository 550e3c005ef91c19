import Logging
import PostgresNIO
import RingfenceStore
import ServiceLifecycle

/// Seals the past days' audit events while `ringfence serve` runs (``EventSealStore``):
/// every `interval`, each host-day with no seal or with events received since is sealed.
/// Each replica runs it; a second replica's seal of the same version is ignored.
public struct EventSealService: Service {
    let store: EventSealStore
    let signer: PolicySigner
    let interval: Duration
    let logger = Logger(label: "ringfence.seals")

    public init(client: PostgresClient, signer: PolicySigner, interval: Duration = .seconds(3_600)) {
        self.store = EventSealStore(client: client)
        self.signer = signer
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.sealDue(key: signer.signingKey)
                } catch {
                    logger.warning("sealing audit events failed; retrying", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
