import ArgumentParser
import RingfenceFiles

/// `host:port` as written in flags and configuration (IPv6 as `[::1]:port`; port 0 asks
/// for any free port).
enum HostPort {
    /// The host and port, or nil when `text` is not of that form.
    static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    /// The same for a command-line flag: a usage error naming the flag.
    static func flag(_ text: String, _ name: String) throws -> (host: String, port: Int) {
        guard let address = parse(text) else { throw ValidationError("\(name): expected host:port, got '\(text)'") }
        return address
    }
}

extension YAMLValue {
    /// A `host:port` value.
    func hostPort() -> (host: String, port: Int)? {
        guard let text = string() else { return nil }
        guard let address = HostPort.parse(text) else {
            fail("expected host:port, got '\(text)'")
            return nil
        }
        return address
    }
}
