import Foundation
import RingfenceTestSupport
import Testing

@testable import RingfenceAdapters

@Suite("Drift")
struct DriftCheckTests {
    let served = NativeAdapters.render(.claudeCode, policy: SamplePolicy.policy, options: SamplePolicy.options)

    var check: DriftCheck {
        DriftCheck(served: ["claude-code": ManagedFiles(served.files.map { ($0.name, $0.sha256) })])
    }

    @Test("the same files are not drift; a changed or missing file is, by name")
    func files() {
        let name = ClaudeCodeAdapter.fileName
        let good = served.files[0].sha256
        #expect(check.drifted([.init(agent: "claude-code", digest: served.digest, files: [name: good])]).isEmpty)
        #expect(
            check.drifted([.init(agent: "claude-code", digest: "", files: [name: String(repeating: "0", count: 64)])])
                == ["claude-code/managed-settings.d/ringfence.json"])
        #expect(
            check.drifted([.init(agent: "claude-code", digest: "", files: [name: ""])]) == [
                "claude-code/managed-settings.d/ringfence.json"
            ])
        #expect(
            check.drifted([.init(agent: "claude-code", digest: "", files: ["other.json": good])]) == [
                "claude-code/managed-settings.d/ringfence.json"
            ])
    }

    @Test("a managed source the agent reads instead of the served files is drift")
    func precedence() {
        let plist = "/Library/Managed Preferences/com.anthropic.claudecode.plist"
        let report = DriftCheck.Report(agent: "claude-code", digest: served.digest, precedenceSources: [plist])
        #expect(check.drifted([report]) == ["claude-code/overridden-by:" + plist])
        #expect(
            check.drifted([.init(agent: "cursor", digest: "", precedenceSources: [plist])]).isEmpty,
            "not served: not judged")
    }

    @Test("only a digest: compared as a whole; nothing reported or never served: not judged")
    func digest() {
        #expect(check.drifted([.init(agent: "claude-code", digest: served.digest)]).isEmpty)
        #expect(check.drifted([.init(agent: "claude-code", digest: served.digest.uppercased())]).isEmpty)
        #expect(check.drifted([.init(agent: "claude-code", digest: "ab")]) == ["claude-code/*"])
        #expect(check.drifted([.init(agent: "claude-code", digest: "")]).isEmpty)
        #expect(check.drifted([.init(agent: "cursor", digest: "ab")]).isEmpty)
    }

    @Test("the digest is the sha256sum pipeline docs/agents.md gives hosts")
    func shellDigest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rf-drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cursor = NativeAdapters.render(.cursor, policy: SamplePolicy.policy, options: SamplePolicy.options)
        let files = served.files + cursor.files
        for file in files {
            let url = directory.appendingPathComponent(file.name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.content.utf8).write(to: url)
        }
        let names = files.map(\.name).joined(separator: " ")
        let output = try ChildProcess.run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "sha256sum \(names) | awk '{print $2\" \"$1}' | LC_ALL=C sort | sha256sum | cut -c1-64"],
            directory: directory)
        let expected = ManagedFiles(files.map { ($0.name, $0.sha256) }).digest
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }
}
