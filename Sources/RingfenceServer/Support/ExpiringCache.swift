import Foundation
import Synchronization

/// A small map whose entries are loaded again `lifetime` seconds after they were loaded.
///
/// Used for facts that change rarely and are read on every request (a key's record, a
/// user's groups, a host's ring). Loads are single-flight: however many requests miss the
/// same key at once, one load runs and they all get its result, so an expiry under load
/// sends one query to PostgreSQL, not hundreds. With `servesStale`, a request that finds
/// an expired value while its reload is running gets the expired value at once instead of
/// waiting (for facts where a few more milliseconds of staleness do not matter; not for
/// API keys). When the table holds more than `capacity` entries, expired ones are
/// dropped, then (if still full) all that are not loading.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let lifetime: TimeInterval
    let capacity: Int
    let servesStale: Bool
    private let entries = Mutex<[Key: Entry]>([:])

    private enum Step {
        case hit(Value)
        case wait(Task<Value, any Error>)
    }

    private struct Entry {
        var value: Value?
        var loaded: Date
        var loading: Task<Value, any Error>?
    }

    public init(lifetime: TimeInterval, capacity: Int = 100_000, servesStale: Bool = false) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.servesStale = servesStale
    }

    /// Waits until a load of `key` that is running, if any, has finished (for tests).
    func waitForLoad(_ key: Key) async {
        let loading = entries.withLock { $0[key]?.loading }
        _ = try? await loading?.value
    }

    /// The cached value if it is still fresh at `now`.
    public func fresh(_ key: Key, now: Date = Date()) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], let value = entry.value, now.timeIntervalSince(entry.loaded) < lifetime
            else { return nil }
            return value
        }
    }

    /// Stores a value loaded at `now`.
    public func store(_ value: Value, for key: Key, now: Date = Date()) {
        guard lifetime > 0 else { return }
        entries.withLock { entries in
            makeRoom(in: &entries, now: now)
            entries[key] = Entry(value: value, loaded: now, loading: entries[key]?.loading)
        }
    }

    /// Forgets one entry (e.g. a key this process just revoked).
    public func remove(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// The fresh value, or the one `load` returns (then cached). Concurrent callers that
    /// miss the same key share one `load`.
    public func value(for key: Key, now: Date = Date(), load: @escaping @Sendable () async throws -> Value) async throws
        -> Value
    {
        guard lifetime > 0 else { return try await load() }
        let step = entries.withLock { entries -> Step in
            let entry = entries[key]
            if let entry, let value = entry.value, now.timeIntervalSince(entry.loaded) < lifetime { return .hit(value) }
            let task: Task<Value, any Error>
            if let loading = entry?.loading {
                task = loading
            } else {
                makeRoom(in: &entries, now: now)
                task = Task { [weak self] in
                    do {
                        let value = try await load()
                        self?.finish(key, with: value, loadedAt: now)
                        return value
                    } catch {
                        self?.finish(key, with: nil, loadedAt: now)
                        throw error
                    }
                }
                entries[key] = Entry(value: entry?.value, loaded: entry?.loaded ?? .distantPast, loading: task)
            }
            if servesStale, let stale = entry?.value { return .hit(stale) }
            return .wait(task)
        }
        switch step {
        case .hit(let value): return value
        case .wait(let task): return try await task.value
        }
    }

    /// Number of entries held, fresh or not.
    public var count: Int { entries.withLock { $0.count } }

    /// Ends a load: keeps its value, or (on failure) keeps what was there before.
    private func finish(_ key: Key, with value: Value?, loadedAt: Date) {
        entries.withLock { entries in
            guard var entry = entries[key] else { return }
            entry.loading = nil
            if let value {
                entry.value = value
                entry.loaded = loadedAt
            }
            entries[key] = entry.value == nil ? nil : entry
        }
    }

    private func makeRoom(in entries: inout [Key: Entry], now: Date) {
        guard entries.count >= capacity else { return }
        entries = entries.filter { $0.value.loading != nil || now.timeIntervalSince($0.value.loaded) < lifetime }
        if entries.count >= capacity { entries = entries.filter { $0.value.loading != nil } }
    }
}
