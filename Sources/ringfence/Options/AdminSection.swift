import RingfenceCore
import RingfenceFiles
import RingfenceHTTP

/// Reads the `admin:` section of the configuration file — the admin API listener of
/// `serve` (keys in docs/configuration.md and docs/admin-api.md) — with the strict reader.
/// No section: no admin listener.
enum AdminSection {
    static func read(_ value: YAMLValue) -> AdminServer.Configuration? {
        guard let fields = value.mapping(allowed: ListenerFields.keys + ["console"]) else { return nil }
        var configuration = AdminServer.Configuration()
        var listener = ListenerFields(
            listener: configuration.listener, ratePerSecond: configuration.ratePerSecond, burst: configuration.burst,
            tokenCacheSeconds: configuration.tokenCacheSeconds)
        listener.read(fields)
        configuration.listener = listener.listener
        configuration.ratePerSecond = listener.ratePerSecond
        configuration.burst = listener.burst
        configuration.tokenCacheSeconds = listener.tokenCacheSeconds
        if let console = fields["console"] {
            configuration.console = Self.console(console, tls: configuration.listener.tlsCertificateFile != nil)
        }
        return configuration
    }

    /// `admin.console`: `roles { admin, operator, viewer }` (directory groups), `idleMinutes`,
    /// `sessionHours`, `secureCookies` (default: whether the listener has TLS),
    /// `signInRateLimit { perMinute, burst }`.
    static func console(_ value: YAMLValue, tls: Bool) -> ConsoleSettings? {
        guard
            let fields = value.mapping(allowed: [
                "roles", "idleMinutes", "sessionHours", "secureCookies", "signInRateLimit",
            ])
        else { return nil }
        var settings = ConsoleSettings(roles: ConsoleRoles(), secureCookies: tls)
        if let roles = fields["roles"]?.mapping(allowed: ["admin", "operator", "viewer"]) {
            for (name, groups) in roles {
                guard let role = AdminRole(rawValue: name) else { continue }
                settings.roles.groups[role] = groups.list { $0.nonEmptyString() }
            }
        } else if fields["roles"] == nil {
            value.fail("give roles { admin, operator, viewer }: the directory groups whose members get each role")
        }
        if let minutes = fields["idleMinutes"]?.int(in: 1...1_440) { settings.idleMinutes = minutes }
        if let hours = fields["sessionHours"]?.int(in: 1...168) { settings.sessionHours = hours }
        if let secure = fields["secureCookies"]?.bool() { settings.secureCookies = secure }
        if let limit = fields["signInRateLimit"]?.mapping(allowed: ["perMinute", "burst"]) {
            if let rate = limit["perMinute"]?.double(in: 0.1...10_000) { settings.signInPerMinute = rate }
            if let burst = limit["burst"]?.double(in: 1...10_000) { settings.signInBurst = burst }
        }
        return settings
    }
}
