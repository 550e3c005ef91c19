import Foundation
import RingfenceFiles
import Testing

@testable import RingfenceCore

/// Runs every ```yaml block of docs/resolution.md that starts with `# example:` exactly as
/// written: its packs, assignments and mappings form a policy, its expectations must hold.
/// The specification and the code cannot drift apart without this test failing.
@Suite("docs/resolution.md examples")
struct DocumentationExamplesTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var testDescription: String { name }
    }

    static let examples: [Example] = {
        let docs = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("docs/resolution.md")
        let text = (try? String(contentsOf: docs, encoding: .utf8)) ?? ""
        var examples: [Example] = []
        var current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            if line == "```yaml" {
                current = []
            } else if line == "```", let block = current {
                if let first = block.first, first.hasPrefix("# example: ") {
                    examples.append(
                        Example(name: String(first.dropFirst("# example: ".count)), yaml: block.joined(separator: "\n"))
                    )
                }
                current = nil
            } else {
                current?.append(line)
            }
        }
        return examples
    }()

    @Test("the page has its examples")
    func examplesFound() {
        #expect(Self.examples.count >= 4)
    }

    @Test("each example's expectations hold", arguments: examples)
    func example(_ example: Example) throws {
        let policy = try PolicyFiles.parse([("resolution.md", example.yaml)], now: Date())
        let snapshot = try PolicySnapshot(bundle: policy.bundle)
        #expect(!policy.expectations.isEmpty)
        for expectation in policy.expectations {
            let failures = expectation.failures(in: snapshot.resolve(expectation.context))
            #expect(failures.isEmpty, "\(expectation.name): \(failures.joined(separator: "; "))")
        }
    }
}
