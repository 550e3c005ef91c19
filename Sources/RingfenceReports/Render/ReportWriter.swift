import Foundation
import RingfenceCore

/// Writes one report in the asked formats into `<folder>/<group>.<format>`; returns the
/// paths. Shared by `ringfence report` and the weekly schedule of `ringfence serve`.
public enum ReportWriter {
    public static let formats = ["md", "html", "json", "csv"]

    public static func write(_ report: GroupWeekReport, formats: [String], into folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = folder.appendingPathComponent(fileName(report.group))
        var written: [String] = []
        for format in formats {
            let file = base.appendingPathExtension(format)
            let data: Data
            switch format {
            case "json": data = try ReportData.json(report)
            case "csv": data = Data(ReportData.csv(report).utf8)
            case "html": data = Data(try ReportHTML.render(report).utf8)
            default: data = Data(try ReportMarkdown.render(report).utf8)
            }
            try data.write(to: file, options: .atomic)
            written.append(file.path)
        }
        return written
    }

    /// A group name as a file name: letters, digits, '-', '_' and '.'; anything else '_'.
    public static func fileName(_ group: String) -> String {
        let safe = group.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        let name = String(safe).trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return name.isEmpty ? "_" : name
    }
}
