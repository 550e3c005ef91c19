/// An environment variable that replaces one key of the configuration file: the one
/// table of overrides, applied before the file is read, so an overridden value is checked
/// like a written one (docs/configuration.md, "Environment").
public struct EnvironmentOverride: Sendable, Hashable {
    /// The variable, e.g. `RINGFENCE_DATABASE_URL`.
    public var variable: String
    /// The key it replaces: section and key, e.g. `["database", "url"]`.
    public var key: [String]
    /// Whether it applies only when the file has the key's section (`RINGFENCE_LDAP_URL`
    /// points a configured directory elsewhere; it does not switch directory sync on).
    public var onlyInPresentSection: Bool

    public init(_ variable: String, _ key: [String], onlyInPresentSection: Bool = false) {
        self.variable = variable
        self.key = key
        self.onlyInPresentSection = onlyInPresentSection
    }

    /// Every override Ringfence reads.
    public static let all: [EnvironmentOverride] = [
        EnvironmentOverride("RINGFENCE_DATABASE_URL", ["database", "url"]),
        EnvironmentOverride("RINGFENCE_LDAP_URL", ["directory", "url"], onlyInPresentSection: true),
        EnvironmentOverride("RINGFENCE_LISTEN", ["server", "listen"]),
        EnvironmentOverride("RINGFENCE_METRICS_LISTEN", ["server", "metrics"]),
        EnvironmentOverride("RINGFENCE_SCIM_LISTEN", ["scim", "listen"]),
        EnvironmentOverride("RINGFENCE_ADMIN_LISTEN", ["admin", "listen"]),
        EnvironmentOverride("RINGFENCE_APPROVER_GROUP", ["exceptions", "approverGroup"]),
        EnvironmentOverride("RINGFENCE_ROLLOUT_INTERVAL", ["rollout", "intervalSeconds"]),
        EnvironmentOverride("RINGFENCE_JOB_LEASE_SECONDS", ["server", "jobLeaseSeconds"]),
    ]
}
