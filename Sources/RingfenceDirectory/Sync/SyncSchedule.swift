import Foundation

/// When `ringfence serve` runs the next sync, and of which kind. Pure.
///
/// A full run is due `fullEvery` after the last full run (and at once when there was
/// none); an incremental run is due `incrementalEvery` after the last run of any kind.
/// Whichever is due first is next; when both are due, the full run wins.
public struct SyncSchedule: Sendable, Equatable {
    public var incrementalEvery: TimeInterval
    public var fullEvery: TimeInterval

    public init(incrementalEvery: TimeInterval, fullEvery: TimeInterval) {
        self.incrementalEvery = incrementalEvery
        self.fullEvery = fullEvery
    }

    /// The next run: its mode and when it is due (possibly in the past: run now).
    public func next(lastFull: Date?, lastRun: Date?, now: Date) -> (mode: SyncPlan.Mode, at: Date) {
        guard let lastFull else { return (.full, now) }
        let fullDue = lastFull.addingTimeInterval(fullEvery)
        let incrementalDue = (lastRun ?? lastFull).addingTimeInterval(incrementalEvery)
        return fullDue <= incrementalDue ? (.full, fullDue) : (.incremental, incrementalDue)
    }
}
