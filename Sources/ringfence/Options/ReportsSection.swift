import Foundation
import RingfenceFiles
import RingfenceReports

/// Reads the `reports:` section of the configuration file — the weekly reports written by
/// `ringfence serve` (keys in docs/reports.md) — with the strict reader.
enum ReportsSection {
    static let keys = ["out", "formats", "weekday", "hour", "staleAfterHours", "mail"]

    static func read(_ value: YAMLValue) -> ReportScheduleService.Configuration? {
        guard let fields = value.mapping(allowed: keys) else { return nil }
        let out = fields["out"]?.nonEmptyString()
        if fields["out"] == nil { value.missing("out", "the folder to write reports into") }
        var configuration = ReportScheduleService.Configuration(out: out ?? "")
        if let formats = fields["formats"] {
            let names = formats.list { item -> String? in
                guard let name = item.string() else { return nil }
                guard ReportWriter.formats.contains(name) else {
                    item.fail(
                        "unknown format '\(name)'; expected some of \(ReportWriter.formats.joined(separator: ", "))")
                    return nil
                }
                return name
            }
            if !names.isEmpty { configuration.formats = names }
        }
        var weekday = 1
        if let day = fields["weekday"], let text = day.string() {
            if let number = ReportSchedule.weekday(named: text) {
                weekday = number
            } else {
                day.fail("expected monday … sunday, got '\(text)'")
            }
        }
        let hour = fields["hour"]?.int(in: 0...23) ?? 6
        if let hours = fields["staleAfterHours"]?.double(in: 0.001...(24 * 365)) {
            configuration.staleAfter = hours * 3_600
        }
        if let mail = fields["mail"] { configuration.delivery = self.mail(mail) }
        configuration.schedule = ReportSchedule(weekday: weekday, hour: hour)
        return out == nil ? nil : configuration
    }

    static func mail(_ value: YAMLValue) -> ReportDelivery? {
        guard let fields = value.mapping(allowed: ["smtp", "from", "fallbackRecipients"]) else { return nil }
        let smtp = fields["smtp"].map { $0.hostPort() } ?? ("127.0.0.1", 25)
        var fallbacks: [String: [String]] = [:]
        for (group, addresses) in fields["fallbackRecipients"]?.entries() ?? [] {
            fallbacks[group, default: []] += addresses.list { address -> String? in
                guard let text = address.string() else { return nil }
                guard MailMessage.isPlainAddress(text) else {
                    address.fail("'\(text)' is not a plain local@domain address")
                    return nil
                }
                return text
            }
        }
        guard let fromValue = fields["from"] else {
            value.missing("from", "a plain local@domain address")
            return nil
        }
        guard let from = fromValue.string() else { return nil }
        guard MailMessage.isPlainAddress(from) else {
            fromValue.fail("'\(from)' is not a plain local@domain address")
            return nil
        }
        guard let smtp else { return nil }
        return ReportDelivery(smtp: SMTPClient(host: smtp.host, port: smtp.port), from: from, fallbacks: fallbacks)
    }
}
