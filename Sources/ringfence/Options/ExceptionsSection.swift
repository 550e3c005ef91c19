import RingfenceFiles
import RingfenceReports

/// Reads the `exceptions:` section of the configuration file — who approves exception
/// requests and where their mails go (docs/configuration.md) — with the strict reader.
enum ExceptionsSection {
    static let keys = ["approverGroup", "mail"]

    /// The section's settings.
    struct Settings: Sendable {
        /// A directory group whose members may approve any request.
        var approverGroup: String?
        /// SMTP relay and sender of the mails; none: no mails.
        var delivery: ReportDelivery?
    }

    static func read(_ value: YAMLValue) -> Settings? {
        guard let fields = value.mapping(allowed: keys) else { return nil }
        return Settings(
            approverGroup: fields["approverGroup"]?.nonEmptyString(),
            delivery: fields["mail"].flatMap(ReportsSection.mail))
    }
}
