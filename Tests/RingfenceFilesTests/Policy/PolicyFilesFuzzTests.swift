import Foundation
import PropertyBased
import RingfenceCore
import RingfenceFiles
import Testing

/// The example policy files with lines dropped, duplicated, swapped and characters
/// inserted: parsing gives a policy that compiles, or errors with a file and line — never
/// a crash. The mutations come from the property library's generators, so a failure is
/// shrunk to the fewest, smallest edits. `scripts/fuzz` runs it with many more cases
/// (RINGFENCE_FUZZ_ITERATIONS).
@Suite("Fuzz: policy files")
struct PolicyFilesFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_ITERATIONS"] ?? "") ?? 500

    static let sources: [(file: String, text: String)] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/policy")
        return ["packs.yaml", "assignments.yaml", "mappings.yaml"].map { name in
            (name, try! String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }()

    static let noise: [String] = [
        ":", "- ", "{", "}", "[", "]", "&a", "*a", "!!binary", "\t", "'", "\"", "~", "null", "off",
        "9999999999999999999",
        "-1", "\u{0}", "\u{FEFF}", "🙂", "<<: *a", "---", "...", "%YAML 1.1", "? ", "|", ">",
    ]

    /// One edit of a file; line and column numbers are taken modulo the file's size.
    struct Edit: Sendable, CustomStringConvertible {
        enum Kind: Int, Sendable { case drop, duplicate, swap, insert }
        var kind: Kind
        var line: Int
        var other: Int
        var noise: Int

        var description: String { "\(kind) line \(line) (other \(other), noise \(noise))" }

        func apply(to lines: inout [String]) {
            guard !lines.isEmpty else { return }
            let at = line % lines.count
            switch kind {
            case .drop: lines.remove(at: at)
            case .duplicate: lines.insert(lines[at], at: at)
            case .swap: lines.swapAt(at, other % lines.count)
            case .insert:
                var characters = Array(lines[at])
                let text = PolicyFilesFuzzTests.noise[noise % PolicyFilesFuzzTests.noise.count]
                characters.insert(contentsOf: text, at: characters.isEmpty ? 0 : other % characters.count)
                lines[at] = String(characters)
            }
        }
    }

    /// Up to three edits of one file.
    static let edits = zip(Gen.int(in: 0...3), Gen.int(in: 0...500), Gen.int(in: 0...500), Gen.int(in: 0...100))
        .map { Edit(kind: Edit.Kind(rawValue: $0)!, line: $1, other: $2, noise: $3) }
        .array(of: 0...3)

    static func mutate(_ edits: [[Edit]]) -> [(file: String, text: String)] {
        zip(sources, edits).map { source, edits in
            var lines = source.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for edit in edits { edit.apply(to: &lines) }
            return (source.file, lines.joined(separator: "\n"))
        }
    }

    @Test("mutated example files parse to a policy that compiles, or fail with problems naming their file")
    func mutated() async {
        await propertyCheck(count: Self.iterations, input: Self.edits, Self.edits, Self.edits) {
            packs, assignments, mappings in
            let sources = Self.mutate([packs, assignments, mappings])
            do {
                let loaded = try PolicyFiles.parse(sources, now: Date(timeIntervalSince1970: 1_800_000_000))
                // What parses is valid: it must compile.
                _ = try PolicySnapshot(bundle: loaded.bundle)
            } catch let error as PolicyLoadError {
                #expect(!error.errors.isEmpty, "an error lists its problems")
                #expect(error.errors.allSatisfy { !$0.file.isEmpty }, "every problem names its file: \(error)")
            } catch {
                Issue.record("\(packs) \(assignments) \(mappings): unexpected \(error)")
            }
        }
    }
}
