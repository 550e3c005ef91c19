import ArgumentParser
import Foundation
import RingfenceAdminAPI
import RingfenceCore

/// `ringfence resolve`: the effective policy of one context.
struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Show which rules apply to a user/host/repo/agent, per surface, and at what level."
    )

    @OptionGroup var policy: PolicySource
    @OptionGroup var context: ContextOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @OptionGroup var remote: AdminServerOptions

    func run() async throws {
        if let remote = try remote.client() {
            try policy.checkUnused(with: "--server")
            let resolution = try await remote.resolve(
                context, revision: policy.revision, trace: false, matchedOnly: false)
            print(try Self.render(resolution, format: format))
            return
        }
        print(try Self.render(try await policy.resolve(context), format: format, includeTrace: false))
    }

    /// A resolution the admin API answered: its text, or the document as JSON.
    static func render(_ resolution: Components.Schemas.Resolution, format: OutputFormat) throws -> String {
        switch format {
        case .text:
            return resolution.text
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return String(decoding: try encoder.encode(resolution), as: UTF8.self)
        }
    }

    static func render(_ resolution: Resolution, format: OutputFormat, includeTrace: Bool, matchedOnly: Bool = false)
        throws -> String
    {
        switch format {
        case .text:
            return resolution.explanation(includeTrace: includeTrace, matchedOnly: matchedOnly)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return String(decoding: try encoder.encode(resolution.document(includeTrace: includeTrace)), as: UTF8.self)
        }
    }
}

/// `ringfence explain`: the resolution with the trace of every assignment. With `--at`
/// and no `--policy`, it uses the revision that was in force at that moment.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a decision: the resolution plus why every assignment matched or not."
    )

    @OptionGroup var policy: PolicySource
    @OptionGroup var context: ContextOptions
    @Option(help: "Output format: text or json.") var format: OutputFormat = .text
    @Flag(name: .customLong("matched-only"), help: "List only assignments that matched or were shadowed.")
    var matchedOnly = false
    @OptionGroup var remote: AdminServerOptions

    func run() async throws {
        if let remote = try remote.client() {
            try policy.checkUnused(with: "--server")
            let resolution = try await remote.resolve(
                context, revision: policy.revision, trace: true, matchedOnly: matchedOnly)
            print(try ResolveCommand.render(resolution, format: format))
            return
        }
        print(
            try ResolveCommand.render(
                try await policy.resolve(context), format: format, includeTrace: true, matchedOnly: matchedOnly))
    }
}
