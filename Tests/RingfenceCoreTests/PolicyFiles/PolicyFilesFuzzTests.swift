import Foundation
import PropertyBased
import Testing

@testable import RingfenceCore

/// The example policy files with lines dropped, duplicated, swapped and characters
/// changed: parsing gives a policy that compiles, or errors with a file and line — never a
/// crash. `scripts/fuzz` runs it with many more cases (RINGFENCE_FUZZ_ITERATIONS).
@Suite("Fuzz: policy files")
struct PolicyFilesFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_ITERATIONS"] ?? "") ?? 500

    static let sources: [(file: String, text: String)] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/policy")
        return ["packs.yaml", "assignments.yaml", "mappings.yaml"].map { name in
            (name, try! String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }()

    static let noise: [String] = [":", "- ", "{", "}", "[", "]", "&a", "*a", "!!binary", "\t", "'", "\"", "~", "null", "off", "9999999999999999999",
                                  "-1", "\u{0}", "\u{FEFF}", "🙂", "<<: *a", "---", "...", "%YAML 1.1", "? ", "|", ">"]

    @Test("mutated example files parse or fail with located errors")
    func mutated() async {
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var random = SplitMix64(seed: UInt64(seed))
            let mutated = Self.sources.map { source -> (file: String, text: String) in
                var lines = source.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                for _ in 0..<Int(random.next() % 4) {
                    guard !lines.isEmpty else { break }
                    let at = Int(random.next() % UInt64(lines.count))
                    switch random.next() % 4 {
                    case 0: lines.remove(at: at)
                    case 1: lines.insert(lines[at], at: at)
                    case 2: lines.swapAt(at, Int(random.next() % UInt64(lines.count)))
                    default:
                        var line = Array(lines[at])
                        let position = line.isEmpty ? 0 : Int(random.next() % UInt64(line.count))
                        line.insert(contentsOf: Self.noise[Int(random.next() % UInt64(Self.noise.count))], at: position)
                        lines[at] = String(line)
                    }
                }
                return (source.file, lines.joined(separator: "\n"))
            }
            do {
                let loaded = try PolicyFiles.parse(mutated)
                _ = try? PolicySnapshot(bundle: loaded.bundle)
            } catch let error as PolicyLoadError {
                #expect(!error.errors.isEmpty, "seed \(seed): an error lists its problems")
                #expect(error.errors.allSatisfy { !$0.file.isEmpty }, "seed \(seed): every problem names its file")
            } catch {
                Issue.record("seed \(seed): unexpected \(error)")
            }
        }
    }
}
