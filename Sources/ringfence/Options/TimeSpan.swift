import ArgumentParser
import Foundation

/// A span of time on the command line: a number and a unit, `90s`, `30m`, `24h`, `7d`.
struct TimeSpan: ExpressibleByArgument, Sendable, Equatable {
    var seconds: TimeInterval

    init(seconds: TimeInterval) {
        self.seconds = seconds
    }

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = argument.last, let scale = units[unit], let value = Double(argument.dropLast()), value >= 0 else { return nil }
        seconds = value * scale
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
