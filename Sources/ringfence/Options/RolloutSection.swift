import RingfenceFiles
import RingfenceReports

/// Reads the `rollout:` section of the configuration file — how often `serve` carries out
/// the rollout plan and where its mails go (docs/configuration.md) — with the strict reader.
enum RolloutSection {
    static let keys = ["intervalSeconds", "mail"]

    /// The section's settings.
    struct Settings: Sendable {
        /// Seconds between rounds (default 300).
        var intervalSeconds = 300
        /// SMTP relay and sender of the mails to group owners; none: no mails.
        var delivery: ReportDelivery?
    }

    static func read(_ value: YAMLValue) -> Settings? {
        guard let fields = value.mapping(allowed: keys) else { return nil }
        var settings = Settings(delivery: fields["mail"].flatMap(ReportsSection.mail))
        if let seconds = fields["intervalSeconds"]?.int(in: 1...86_400) { settings.intervalSeconds = seconds }
        return settings
    }
}
