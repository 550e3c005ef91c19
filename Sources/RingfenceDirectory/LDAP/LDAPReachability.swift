import Foundation

/// Says why an LDAP server could not be reached, where libldap only says "Can't contact
/// LDAP server": the name did not resolve, the port refused the connection, or nothing
/// answered in time. Blocking; called on a connection's queue after a failure.
enum LDAPReachability {
    /// Host and port of an `ldap://` or `ldaps://` URL (default ports 389 and 636).
    static func endpoint(_ url: String) -> (host: String, port: Int)? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "ldap" || scheme == "ldaps", let host = components.host, !host.isEmpty
        else { return nil }
        return (host, components.port ?? (scheme == "ldaps" ? 636 : 389))
    }

    /// One sentence on why `url` cannot be reached; nil when a TCP connection works now.
    static func diagnose(_ url: String, timeout: Duration) -> String? {
        guard let (host, port) = endpoint(url) else { return "'\(url)' is not an ldap:// or ldaps:// URL" }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &list)
        guard lookup == 0, let first = list else {
            return "the name \(host) did not resolve (\(String(cString: gai_strerror(lookup))))"
        }
        defer { freeaddrinfo(first) }
        var failure = "no address of \(host) accepted a connection"
        var current: UnsafeMutablePointer<addrinfo>? = first
        while let address = current {
            switch connect(address.pointee, timeout: timeout) {
            case 0: return nil
            case ECONNREFUSED: failure = "\(host) port \(port) refused the connection (is the server running?)"
            case ETIMEDOUT:
                failure =
                    "\(host) port \(port) did not answer within \(timeout.components.seconds) s (a firewall, or the server is down)"
            case let code: failure = "\(host) port \(port): \(String(cString: strerror(code)))"
            }
            current = address.pointee.ai_next
        }
        return failure
    }

    /// Connects without blocking longer than `timeout`; 0 or an errno.
    private static func connect(_ address: addrinfo, timeout: Duration) -> Int32 {
        let fd = socket(address.ai_family, address.ai_socktype, address.ai_protocol)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        if Glibc.connect(fd, address.ai_addr, address.ai_addrlen) == 0 { return 0 }
        guard errno == EINPROGRESS else { return errno }
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let milliseconds = Int32(min(timeout.components.seconds * 1000, Int64(Int32.max)))
        guard poll(&poller, 1, milliseconds) == 1 else { return ETIMEDOUT }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }
}
