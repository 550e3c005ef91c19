import Foundation
import RingfenceCore

/// The report's charts as inline SVG: geometry computed here, text escaped, nothing
/// fetched from anywhere (the HTML must be self-contained and print well).
enum ReportCharts {
    /// Colours of the verdicts, in `GroupWeekReport.verdicts` order.
    static let verdictColours = ["#9aa5b1", "#f0b429", "#d64545", "#f7d070", "#ef8e8e"]
    static let track = "#e4e7eb"
    static let coveredColour = "#3ebd93"
    static let barColour = "#4c63b6"

    /// One horizontal bar per surface, stacked by verdict, scaled to the largest total.
    static func stackedBars(_ volume: GroupWeekReport.Volume) -> String {
        let surfaces = volume.bySurface.keys.sorted()
        let rowHeight = 26.0
        let labelWidth = 190.0
        let barWidth = 420.0
        let height = Double(max(1, surfaces.count)) * rowHeight + 34
        let largest = Double(max(1, surfaces.map { volume.bySurface[$0]?.values.reduce(0, +) ?? 0 }.max() ?? 1))
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="audit events by surface and verdict" "#
            + #"viewBox="0 0 \#(Int(labelWidth + barWidth + 70)) \#(Int(height))" width="100%">"#
        for (row, surface) in surfaces.enumerated() {
            let y = Double(row) * rowHeight + 4
            let counts = volume.bySurface[surface] ?? [:]
            svg += #"<text x="0" y="\#(format(y + 15))" font-size="12">\#(escape(surface))</text>"#
            var x = labelWidth
            for (index, verdict) in GroupWeekReport.verdicts.enumerated() {
                let count = counts[verdict] ?? 0
                guard count > 0 else { continue }
                let width = barWidth * Double(count) / largest
                svg +=
                    #"<rect x="\#(format(x))" y="\#(format(y))" width="\#(format(width))" height="\#(format(rowHeight - 8))" "#
                    + #"fill="\#(verdictColours[index])"><title>\#(escape(surface)) \#(verdict): \#(count)</title></rect>"#
                x += width
            }
            svg +=
                #"<text x="\#(format(x + 6))" y="\#(format(y + 15))" font-size="12">\#(counts.values.reduce(0, +))</text>"#
        }
        var legendX = labelWidth
        let legendY = height - 12
        for (index, verdict) in GroupWeekReport.verdicts.enumerated() {
            svg +=
                #"<rect x="\#(format(legendX))" y="\#(format(legendY - 9))" width="10" height="10" fill="\#(verdictColours[index])"/>"#
            svg += #"<text x="\#(format(legendX + 14))" y="\#(format(legendY))" font-size="11">\#(verdict)</text>"#
            legendX += 14 + Double(verdict.count) * 6.5 + 12
        }
        return svg + "</svg>"
    }

    /// A donut of members covered by a host against members with none.
    static func coverageDonut(_ coverage: GroupWeekReport.Coverage) -> String {
        let radius = 52.0
        let circumference = 2 * Double.pi * radius
        let covered = coverage.coveredShare
        return
            #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="members covered" viewBox="0 0 140 140" width="140" height="140">"#
            + #"<circle cx="70" cy="70" r="\#(format(radius))" fill="none" stroke="\#(track)" stroke-width="18"/>"#
            + #"<circle cx="70" cy="70" r="\#(format(radius))" fill="none" stroke="\#(coveredColour)" stroke-width="18" "#
            + #"stroke-dasharray="\#(format(circumference * covered)) \#(format(circumference))" transform="rotate(-90 70 70)"/>"#
            + #"<text x="70" y="76" text-anchor="middle" font-size="20">\#(Int((covered * 100).rounded())) %</text></svg>"#
    }

    /// Two bars: the week before and this week, by total events.
    static func trend(current: Int, previous: Int?, week: String) -> String {
        let largest = Double(max(1, current, previous ?? 0))
        let bars: [(String, Int)] = [("week before", previous ?? 0), (week, current)]
        var svg =
            #"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="events this week and the week before" viewBox="0 0 260 150" width="260" height="150">"#
        for (index, (label, value)) in bars.enumerated() {
            let height = 100 * Double(value) / largest
            let x = 30.0 + Double(index) * 110
            svg +=
                #"<rect x="\#(format(x))" y="\#(format(115 - height))" width="80" height="\#(format(height))" fill="\#(barColour)"/>"#
            svg +=
                #"<text x="\#(format(x + 40))" y="\#(format(110 - height))" text-anchor="middle" font-size="12">\#(value)</text>"#
            svg += #"<text x="\#(format(x + 40))" y="135" text-anchor="middle" font-size="11">\#(escape(label))</text>"#
        }
        return svg + "</svg>"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Text for SVG/HTML: & < > " ' escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
