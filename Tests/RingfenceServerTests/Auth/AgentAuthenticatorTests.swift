import Foundation
import GRPCCore
import RingfenceCore
import RingfenceStore
import Synchronization
import Testing

@testable import RingfenceServer

/// The authenticator with a lookup that can be made to fail, as when PostgreSQL is away.
@Suite("AgentAuthenticator")
struct AgentAuthenticatorTests {
    final class Store: Sendable {
        let records = Mutex<[String: StoredAPIKey]>([:])
        let down = Mutex(false)
        let lookups = Mutex(0)

        func lookup(_ prefix: String) throws -> StoredAPIKey? {
            lookups.withLock { $0 += 1 }
            if down.withLock({ $0 }) { throw PostgresStoreError("connection refused") }
            return records.withLock { $0[prefix] }
        }
    }

    static func metadata(_ key: APIKey) -> Metadata { ["authorization": "Bearer \(key.text)"] }

    @Test(
        "PostgreSQL away: a key read before keeps working on its last record, expiry still checked; a new key is UNAVAILABLE"
    )
    func outage() async throws {
        let store = Store()
        let authenticator = AgentAuthenticator(
            lookup: { try store.lookup($0) }, cacheSeconds: 5,
            limiter: RateLimiter(rate: 1_000, burst: 1_000))
        let known = APIKey.generate()
        let unseen = APIKey.generate()
        let host = UUID()
        let start = Date()
        for key in [known, unseen] {
            store.records.withLock {
                $0[key.prefix] = StoredAPIKey(
                    prefix: key.prefix, hash: key.hash, kind: .agent, hostID: host,
                    expiresAt: start.addingTimeInterval(60), revokedAt: nil, hostRetired: false)
            }
        }
        #expect(try await authenticator.authenticate(Self.metadata(known), now: start).hostID == host)

        store.down.withLock { $0 = true }
        // Past the cache lifetime: the call goes on with the record while it is reloaded,
        // and the reload fails.
        #expect(
            try await authenticator.authenticate(Self.metadata(known), now: start.addingTimeInterval(10)).hostID == host
        )
        await authenticator.check.cache.waitForLoad(known.prefix)
        #expect(store.lookups.withLock { $0 } == 2, "a reload was tried")
        // With the reload failed, the last record answers.
        #expect(
            try await authenticator.authenticate(Self.metadata(known), now: start.addingTimeInterval(11)).hostID == host
        )
        await authenticator.check.cache.waitForLoad(known.prefix)
        await #expect(throws: RPCError.self) {
            _ = try await authenticator.authenticate(Self.metadata(unseen), now: start.addingTimeInterval(10))
        }
        do {
            _ = try await authenticator.authenticate(Self.metadata(unseen), now: start.addingTimeInterval(10))
        } catch {
            #expect(error.code == .unavailable)
        }
        do {
            _ = try await authenticator.authenticate(Self.metadata(known), now: start.addingTimeInterval(61))
            Issue.record("an expired key was accepted")
        } catch {
            #expect(error.code == .unauthenticated, "the last record's expiry still holds")
        }

        // Back: a revocation made now is seen once the next reload has finished (the call
        // that starts the reload may still go on with the record before).
        store.down.withLock { $0 = false }
        store.records.withLock {
            $0[known.prefix]?.revokedAt = start.addingTimeInterval(20)
            $0[known.prefix]?.expiresAt = start.addingTimeInterval(600)
        }
        _ = try? await authenticator.authenticate(Self.metadata(known), now: start.addingTimeInterval(30))
        await authenticator.check.cache.waitForLoad(known.prefix)
        do {
            _ = try await authenticator.authenticate(Self.metadata(known), now: start.addingTimeInterval(31))
            Issue.record("a revoked key was accepted after the reload")
        } catch {
            #expect(error.code == .unauthenticated)
        }
    }
}
