import PostgresNIO
import RingfenceStore

extension PeriodicService {
    /// Removes exceptions from the policy when they end: every `interval` one revision
    /// without the exceptions that ended, which reaches watching hosts like any publish.
    /// Each replica runs it; the publish lock makes a second run find nothing left to remove.
    public static func exceptionExpiry(client: PostgresClient, every interval: Duration = .seconds(60))
        -> PeriodicService
    {
        let store = ExceptionStore(client: client)
        return PeriodicService("exception expiry", label: "ringfence.exceptions.expiry", every: interval) {
            try await store.expire()
        }
    }
}
