import Foundation

/// Reads the process environment; one place, so commands stay testable.
enum EnvironmentReader {
    static var current: [String: String] { ProcessInfo.processInfo.environment }
}
