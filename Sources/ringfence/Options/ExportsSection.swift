import RingfenceExport
import RingfenceFiles

/// Reads the `exports:` section of the configuration file — the receivers `serve` pushes
/// audit events to (docs/exports.md) — with the strict reader. A HEC token comes from the
/// environment variable `tokenEnv` names, never from the file.
enum ExportsSection {
    static let keys = ["intervalSeconds", "lagSeconds", "batchSize", "maxBackoffSeconds", "timeoutSeconds", "sinks"]
    static let sinkKeys = ["name", "kind", "url", "start", "tokenEnv", "format", "index"]

    static func read(_ value: YAMLValue, environment: [String: String]) -> ExportConfiguration? {
        guard let fields = value.mapping(allowed: keys) else { return nil }
        var configuration = ExportConfiguration(sinks: [])
        if let seconds = fields["intervalSeconds"]?.double(in: 0.1...3_600) { configuration.intervalSeconds = seconds }
        if let seconds = fields["lagSeconds"]?.double(in: 0...3_600) { configuration.lagSeconds = seconds }
        if let size = fields["batchSize"]?.int(in: 1...50_000) { configuration.batchSize = size }
        if let seconds = fields["maxBackoffSeconds"]?.double(in: 1...3_600) {
            configuration.maxBackoffSeconds = seconds
        }
        if let seconds = fields["timeoutSeconds"]?.double(in: 1...600) { configuration.timeoutSeconds = seconds }
        guard let sinks = fields["sinks"] else {
            value.missing("sinks", "a list of receivers")
            return nil
        }
        var names: Set<String> = []
        configuration.sinks = sinks.list { entry in
            guard let sink = sink(entry, environment: environment) else { return nil }
            guard names.insert(sink.name).inserted else {
                entry.fail("a second sink named '\(sink.name)'")
                return nil
            }
            return sink
        }
        return configuration
    }

    static func sink(_ value: YAMLValue, environment: [String: String]) -> ExportConfiguration.Sink? {
        guard let fields = value.mapping(allowed: sinkKeys) else { return nil }
        guard let name = fields["name"]?.nonEmptyString() else {
            if fields["name"] == nil { value.missing("name") }
            return nil
        }
        guard let url = fields["url"]?.nonEmptyString() else {
            if fields["url"] == nil { value.missing("url") }
            return nil
        }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            fields["url"]?.fail("expected an http:// or https:// URL, got '\(url)'")
            return nil
        }
        var fromBeginning = false
        if let start = fields["start"] {
            switch start.string() {
            case "beginning": fromBeginning = true
            case "now": fromBeginning = false
            default:
                start.fail("expected 'beginning' or 'now'")
                return nil
            }
        }
        switch fields["kind"]?.string() {
        case "otlp":
            return ExportConfiguration.Sink(name: name, kind: .otlp, url: url, fromBeginning: fromBeginning)
        case "hec":
            guard let variable = fields["tokenEnv"]?.nonEmptyString() else {
                if fields["tokenEnv"] == nil {
                    value.missing("tokenEnv", "the environment variable holding the HEC token")
                }
                return nil
            }
            guard let token = environment[variable], !token.isEmpty else {
                fields["tokenEnv"]?.fail("the environment variable \(variable) is not set")
                return nil
            }
            var format = HECBatch.Format.native
            if let given = fields["format"] {
                guard let chosen = given.choice(HECBatch.Format.self) else { return nil }
                format = chosen
            }
            return ExportConfiguration.Sink(
                name: name, kind: .hec(token: token, format: format, index: fields["index"]?.nonEmptyString()),
                url: url, fromBeginning: fromBeginning)
        case nil:
            if fields["kind"] == nil {
                value.missing("kind", "otlp or hec")
            } else {
                fields["kind"]?.fail("expected otlp or hec")
            }
            return nil
        default:
            fields["kind"]?.fail("expected otlp or hec")
            return nil
        }
    }
}
