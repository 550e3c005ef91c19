import ArgumentParser
import Foundation
import RingfenceReports
import Yams

/// Reads the `reports:` section of the configuration file — the weekly reports written by
/// `ringfence serve` (keys in docs/reports.md). Unknown keys are errors.
enum ReportsSection {
    static let keys = ["out", "formats", "weekday", "hour", "staleAfterHours", "mail"]

    static func parse(_ node: Node, file: String) throws -> ReportScheduleService.Configuration {
        guard let mapping = node.mapping else { throw ValidationError("\(file): reports: expected keys \(keys.joined(separator: ", "))") }
        var out: String?
        var configuration = ReportScheduleService.Configuration(out: "")
        var weekday = 1
        var hour = 6
        for (keyNode, value) in mapping {
            let key = keyNode.scalar?.string ?? "?"
            switch key {
            case "out": out = value.scalar?.string
            case "formats":
                let names = value.sequence.map { $0.compactMap { $0.scalar?.string } }
                    ?? (value.scalar?.string ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let unknown = names.filter { !ReportWriter.formats.contains($0) }
                guard !names.isEmpty, unknown.isEmpty else {
                    throw ValidationError("\(file): reports.formats: expected some of \(ReportWriter.formats.joined(separator: ", "))")
                }
                configuration.formats = names
            case "weekday":
                guard let day = value.scalar.flatMap({ ReportSchedule.weekday(named: $0.string) }) else {
                    throw ValidationError("\(file): reports.weekday: expected monday … sunday")
                }
                weekday = day
            case "hour":
                guard let value = value.scalar.flatMap({ Int($0.string) }), (0...23).contains(value) else {
                    throw ValidationError("\(file): reports.hour: expected 0 to 23 (UTC)")
                }
                hour = value
            case "staleAfterHours":
                guard let hours = value.scalar.flatMap({ Double($0.string) }), hours > 0 else {
                    throw ValidationError("\(file): reports.staleAfterHours: expected a positive number")
                }
                configuration.staleAfter = hours * 3_600
            case "mail": configuration.delivery = try mail(value, file: file)
            default: throw ValidationError("\(file): reports: unknown key '\(key)' (allowed: \(keys.joined(separator: ", ")))")
            }
        }
        guard let out, !out.isEmpty else { throw ValidationError("\(file): reports.out: the folder to write reports into is required") }
        configuration.out = out
        configuration.schedule = ReportSchedule(weekday: weekday, hour: hour)
        return configuration
    }

    static func mail(_ node: Node, file: String) throws -> ReportDelivery {
        guard let mapping = node.mapping else { throw ValidationError("\(file): reports.mail: expected keys smtp, from, fallbackRecipients") }
        var smtp = "127.0.0.1:25"
        var from: String?
        var fallbacks: [String: [String]] = [:]
        for (keyNode, value) in mapping {
            switch keyNode.scalar?.string {
            case "smtp": smtp = value.scalar?.string ?? ""
            case "from": from = value.scalar?.string
            case "fallbackRecipients":
                for (group, addresses) in value.mapping ?? [:] {
                    let list = addresses.sequence.map { $0.compactMap { $0.scalar?.string } } ?? [addresses.scalar?.string ?? ""]
                    for address in list where !MailMessage.isPlainAddress(address) {
                        throw ValidationError("\(file): reports.mail.fallbackRecipients: '\(address)' is not a plain local@domain address")
                    }
                    fallbacks[group.scalar?.string ?? "", default: []] += list
                }
            default:
                throw ValidationError("\(file): reports.mail: unknown key '\(keyNode.scalar?.string ?? "?")' (allowed: smtp, from, fallbackRecipients)")
            }
        }
        guard let from, MailMessage.isPlainAddress(from) else { throw ValidationError("\(file): reports.mail.from: a plain local@domain address is required") }
        let (host, port) = try ServerSection.address(smtp, key: "reports.mail.smtp")
        return ReportDelivery(smtp: SMTPClient(host: host, port: port), from: from, fallbacks: fallbacks)
    }
}
