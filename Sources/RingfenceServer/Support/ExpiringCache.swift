import Foundation
import Synchronization

/// A small map whose entries are forgotten `lifetime` seconds after they were loaded.
///
/// Used for facts that change rarely and are read on every request (a key's record, a
/// user's groups, a host's ring): at most one load per entry per lifetime. When it holds
/// more than `capacity` entries, expired ones are dropped, then (if still full) all.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let lifetime: TimeInterval
    let capacity: Int
    private let entries = Mutex<[Key: (value: Value, loaded: Date)]>([:])

    public init(lifetime: TimeInterval, capacity: Int = 100_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached value if it is still fresh at `now`.
    public func fresh(_ key: Key, now: Date = Date()) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], now.timeIntervalSince(entry.loaded) < lifetime else { return nil }
            return entry.value
        }
    }

    /// Stores a value loaded at `now`.
    public func store(_ value: Value, for key: Key, now: Date = Date()) {
        guard lifetime > 0 else { return }
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now.timeIntervalSince($0.value.loaded) < lifetime }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[key] = (value, now)
        }
    }

    /// Forgets one entry (e.g. a key this process just revoked).
    public func remove(_ key: Key) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    /// The fresh value, or the one `load` returns (then cached).
    public func value(for key: Key, now: Date = Date(), load: () async throws -> Value) async rethrows -> Value {
        if let value = fresh(key, now: now) { return value }
        let value = try await load()
        store(value, for: key, now: now)
        return value
    }

    /// Number of entries held, fresh or not.
    public var count: Int { entries.withLock { $0.count } }
}
