import ArgumentParser
import Foundation

/// A span of time on the command line: a number and a unit, `90s`, `30m`, `24h`, `7d`.
struct TimeSpan: ExpressibleByArgument, CustomStringConvertible, Sendable, Equatable {
    var seconds: TimeInterval

    init(seconds: TimeInterval) {
        self.seconds = seconds
    }

    init?(argument: String) {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = argument.last, let scale = units[unit], let value = Double(argument.dropLast()), value >= 0
        else { return nil }
        seconds = value * scale
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// The span as it is written on the command line, in the largest whole unit
    /// (`24h`, `90s`); also what `--help` shows as a default.
    var description: String {
        for (unit, scale) in [("d", 86_400.0), ("h", 3_600.0), ("m", 60.0)]
        where seconds >= scale && seconds.truncatingRemainder(dividingBy: scale) == 0 {
            return "\(Int(seconds / scale))\(unit)"
        }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    var defaultValueDescription: String { description }
}
