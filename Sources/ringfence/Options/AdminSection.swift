import RingfenceFiles
import RingfenceHTTP

/// Reads the `admin:` section of the configuration file — the admin API listener of
/// `serve` (keys in docs/configuration.md and docs/admin-api.md) — with the strict reader.
/// No section: no admin listener.
enum AdminSection {
    static func read(_ value: YAMLValue) -> AdminServer.Configuration? {
        guard let fields = value.mapping(allowed: ListenerFields.keys) else { return nil }
        var configuration = AdminServer.Configuration()
        var listener = ListenerFields(
            listener: configuration.listener, ratePerSecond: configuration.ratePerSecond, burst: configuration.burst,
            tokenCacheSeconds: configuration.tokenCacheSeconds)
        listener.read(fields)
        configuration.listener = listener.listener
        configuration.ratePerSecond = listener.ratePerSecond
        configuration.burst = listener.burst
        configuration.tokenCacheSeconds = listener.tokenCacheSeconds
        return configuration
    }
}
