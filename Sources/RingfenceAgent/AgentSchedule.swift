import Foundation

/// What `ringfence workstation run` does next: pure, with the time passed in, so every
/// path (a publish announced, a key near expiry, a server away) is tested without a clock.
///
/// The host heartbeats at the interval the server gives; fetches when the server's
/// revision differs from the one it holds, when the hook met a repository without a policy,
/// and after every heartbeat (a conditional fetch: a directory change moves the etag
/// without a new revision); sends the hook's queue at `sendInterval`; rotates its key once
/// two thirds of its lifetime have passed, well inside the server's overlap window. A
/// failed step is retried with a doubling delay (`retryBase` up to `retryMax`), the others
/// waiting behind it.
public struct AgentSchedule: Sendable, Equatable {
    /// The next step.
    public enum Action: Sendable, Equatable {
        case rotateKey
        case heartbeat
        case fetch
        case send
        /// Look whether the hook met repositories without a policy.
        case checkRepositories
        /// Nothing is due before this moment (or before a publish is announced).
        case wait(until: Date)
    }

    /// Intervals that do not come from the server.
    public struct Settings: Sendable, Equatable {
        public var sendInterval: TimeInterval
        public var checkInterval: TimeInterval
        public var retryBase: TimeInterval
        public var retryMax: TimeInterval

        public init(
            sendInterval: TimeInterval = 60, checkInterval: TimeInterval = 5, retryBase: TimeInterval = 1,
            retryMax: TimeInterval = 60
        ) {
            self.sendInterval = sendInterval
            self.checkInterval = checkInterval
            self.retryBase = retryBase
            self.retryMax = retryMax
        }
    }

    public let settings: Settings
    /// Interval the server asked for (300 s until the first heartbeat says).
    public private(set) var heartbeatInterval: TimeInterval = 300
    public private(set) var nextHeartbeat: Date
    public private(set) var nextSend: Date
    public private(set) var nextCheck: Date
    /// Revision of the policies the host holds; nil before the first fetch.
    public private(set) var heldRevision: Int64?
    /// The newest revision the server announced or a heartbeat reported.
    public private(set) var serverRevision: Int64?
    /// Set by a heartbeat or a newly seen repository; cleared by a fetch.
    public private(set) var fetchWanted = true
    /// When the key in use was issued and expires; nil when unknown (no rotation).
    public private(set) var key: (issued: Date, expires: Date)?
    public private(set) var failures = 0
    public private(set) var retryAt: Date?

    /// A schedule starting at `now`: heartbeat, fetch and send at once.
    public init(settings: Settings = Settings(), now: Date, heldRevision: Int64?, key: (issued: Date, expires: Date)?) {
        self.settings = settings
        self.nextHeartbeat = now
        self.nextSend = now
        self.nextCheck = now
        self.heldRevision = heldRevision
        self.key = key
    }

    public static func == (lhs: AgentSchedule, rhs: AgentSchedule) -> Bool {
        lhs.settings == rhs.settings && lhs.heartbeatInterval == rhs.heartbeatInterval
            && lhs.nextHeartbeat == rhs.nextHeartbeat && lhs.nextSend == rhs.nextSend && lhs.nextCheck == rhs.nextCheck
            && lhs.heldRevision == rhs.heldRevision && lhs.serverRevision == rhs.serverRevision
            && lhs.fetchWanted == rhs.fetchWanted && lhs.key?.issued == rhs.key?.issued
            && lhs.key?.expires == rhs.key?.expires && lhs.failures == rhs.failures && lhs.retryAt == rhs.retryAt
    }

    /// When the key should be rotated: two thirds into its lifetime.
    public var rotationDue: Date? {
        key.map { $0.issued.addingTimeInterval($0.expires.timeIntervalSince($0.issued) * 2 / 3) }
    }

    /// The step due at `now`.
    public func next(now: Date) -> Action {
        if let retryAt, now < retryAt { return .wait(until: retryAt) }
        if let rotationDue, now >= rotationDue { return .rotateKey }
        if now >= nextHeartbeat { return .heartbeat }
        if fetchWanted || (serverRevision != nil && serverRevision != heldRevision) { return .fetch }
        if now >= nextSend { return .send }
        if now >= nextCheck { return .checkRepositories }
        return .wait(until: [nextHeartbeat, nextSend, nextCheck, rotationDue].compactMap { $0 }.min()!)
    }

    // MARK: Outcomes

    /// A heartbeat was answered with the interval and revision the server gave.
    public mutating func heartbeatAnswered(at now: Date, intervalSeconds: Int, revision: Int64) {
        succeeded()
        if intervalSeconds > 0 { heartbeatInterval = TimeInterval(intervalSeconds) }
        nextHeartbeat = now.addingTimeInterval(heartbeatInterval)
        serverRevision = max(serverRevision ?? revision, revision)
        fetchWanted = true
    }

    /// The server announced a revision (WatchPolicy).
    public mutating func announced(revision: Int64) {
        serverRevision = max(serverRevision ?? revision, revision)
    }

    /// Every policy the host holds was fetched (or found unchanged) under `revision`.
    public mutating func fetched(revision: Int64) {
        succeeded()
        heldRevision = revision
        if let server = serverRevision, server < revision { serverRevision = revision }
        fetchWanted = false
    }

    /// The queue was sent.
    public mutating func sent(at now: Date) {
        succeeded()
        nextSend = now.addingTimeInterval(settings.sendInterval)
    }

    /// The seen-repositories folder was looked at; `found` when it names any.
    public mutating func checkedRepositories(at now: Date, found: Bool) {
        nextCheck = now.addingTimeInterval(settings.checkInterval)
        if found { fetchWanted = true }
    }

    /// The key was rotated.
    public mutating func rotated(issued: Date, expires: Date) {
        succeeded()
        key = (issued, expires)
    }

    /// The due step failed: everything waits for a retry, the delay doubling each time.
    public mutating func failed(at now: Date) {
        let delay = min(settings.retryMax, settings.retryBase * pow(2, Double(min(failures, 30))))
        failures += 1
        retryAt = now.addingTimeInterval(delay)
    }

    private mutating func succeeded() {
        failures = 0
        retryAt = nil
    }
}
