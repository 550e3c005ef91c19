import PostgresNIO
import RingfenceStore

extension PeriodicService {
    /// Seals the past days' audit events while `ringfence serve` runs (``EventSealStore``):
    /// every `interval`, each host-day with no seal or with events received since is sealed.
    /// Each replica runs it; a second replica's seal of the same version is ignored.
    public static func eventSeals(
        client: PostgresClient, signer: PolicySigner, every interval: Duration = .seconds(3_600)
    )
        -> PeriodicService
    {
        let store = EventSealStore(client: client)
        return PeriodicService("sealing audit events", label: "ringfence.seals", every: interval) {
            try await store.sealDue(key: signer.signingKey)
        }
    }
}
