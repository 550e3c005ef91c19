import Foundation

/// Waiting for an event in a test without a wall-clock budget.
///
/// Tests wait for the event itself (a snapshot installed, a counter moved, a row written);
/// the timeout here only stops a test that would otherwise hang for ever. It is generous on
/// purpose: CI runs on two busy cores, where a 1-second budget already failed. Speed goals
/// belong in `Benchmarks/`, never in a test.
public enum HangGuard {
    /// How long a test may wait for an event before it is reported as hanging.
    public static let timeout: Duration = .seconds(120)

    /// Thrown when the awaited event did not happen before `timeout`.
    public struct Hung: Error, CustomStringConvertible {
        public var what: String
        public var description: String { "gave up waiting for \(what) after \(HangGuard.timeout) (the test hangs)" }
    }

    /// The value of `body`, or `Hung` if it does not finish before `timeout`.
    public static func wait<Value: Sendable>(
        for what: String, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: timeout)  // the hang guard, not synchronization
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw Hung(what: what) }
            return value
        }
    }

    /// Polls `condition` until it holds (state that no event announces, such as a row
    /// written by a background task or a metric), yielding between polls; `Hung` after
    /// `timeout`.
    public static func until(
        _ what: String, poll: Duration = .milliseconds(20), _ condition: @escaping @Sendable () async throws -> Bool
    ) async throws {
        _ = try await wait(for: what) {
            while try await !condition() {
                try await Task.sleep(for: poll)
            }
            return true
        }
    }
}
