import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceFiles

/// `ringfence test-policy DIR`: runs the policy's expectation files like unit tests.
struct TestPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-policy",
        abstract: "Run the expectations of a policy directory and print a diff for each failure."
    )

    @Argument(help: "Directory of policy YAML files, including files with an 'expectations:' section.")
    var directory: String

    func run() throws {
        let policy = try PolicyFiles.load(directory: URL(fileURLWithPath: directory))
        let snapshot = try PolicySnapshot(bundle: policy.bundle)
        guard !policy.expectations.isEmpty else {
            throw ValidationError(
                "no expectations in \(directory): add an 'expectations:' section (see docs/policy.md)")
        }
        let results = Self.run(policy.expectations, on: snapshot)
        print(results.report)
        if results.failed > 0 { throw ExitCode(1) }
    }

    struct Results {
        var report: String
        var passed: Int
        var failed: Int
    }

    static func run(_ expectations: [PolicyExpectation], on snapshot: PolicySnapshot) -> Results {
        var lines: [String] = []
        var passed = 0
        var failed = 0
        for expectation in expectations {
            let failures = expectation.failures(in: snapshot.resolve(expectation.context))
            if failures.isEmpty {
                passed += 1
                lines.append("ok    \(expectation.name)  (\(expectation.file):\(expectation.line))")
            } else {
                failed += 1
                lines.append("FAIL  \(expectation.name)  (\(expectation.file):\(expectation.line))")
                lines.append(contentsOf: failures.map { "        - \($0)" })
            }
        }
        lines.append("\(expectations.count) expectations: \(passed) passed, \(failed) failed")
        return Results(report: lines.joined(separator: "\n"), passed: passed, failed: failed)
    }
}
