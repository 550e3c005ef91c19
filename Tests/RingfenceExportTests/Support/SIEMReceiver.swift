import Foundation
import RingfenceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `scripts/interop/siem_receiver.py` as a process: an OTLP/HTTP JSON or Splunk HEC receiver
/// that checks what it gets with code Ringfence did not write and appends one line per
/// accepted event to a file. Run with the interpreter `scripts/test` prepares
/// (`RINGFENCE_TEST_PYTHON`, with opentelemetry-proto from PyPI).
final class SIEMReceiver: @unchecked Sendable {
    static let enabled = ProcessInfo.processInfo.environment["RINGFENCE_TEST_PYTHON"] != nil || TestServers.isCI
    static let skipMessage: Comment = "set RINGFENCE_TEST_PYTHON (scripts/test does) to run the export receivers"

    let kind: String
    let token: String
    let out: URL
    private(set) var port = 0
    private var process: Process?

    init(kind: String, token: String = "", folder: URL) {
        self.kind = kind
        self.token = token
        out = folder.appendingPathComponent("\(kind)-received.jsonl")
    }

    var url: String {
        kind == "otlp" ? "http://127.0.0.1:\(port)/v1/logs" : "http://127.0.0.1:\(port)/services/collector/event"
    }

    /// Starts it (on the port it had before, when restarted) and waits until it listens.
    func start() throws {
        let python = try #require(ProcessInfo.processInfo.environment["RINGFENCE_TEST_PYTHON"])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            TestServers.repositoryRoot.appending(path: "scripts/interop/siem_receiver.py").path, "--kind", kind,
            "--port", "\(port)", "--out", out.path, "--token", token,
        ]
        // Its output goes to a file, not a pipe: a pipe's write end is inherited by any
        // process another test starts meanwhile, and a reader would then never see its end.
        let log = out.deletingLastPathComponent().appendingPathComponent("\(kind)-receiver.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        try process.run()
        // The first line is "listening PORT" once bound; waits until it is there, the
        // receiver has died, or 120 s (only a guard against a hang) have passed.
        var line = Data()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let text = (try? Data(contentsOf: log)) ?? Data()
            if let end = text.firstIndex(of: UInt8(ascii: "\n")) {
                line = text[..<end]
                break
            }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard words.count == 2, words[0] == "listening", let bound = Int(words[1]) else {
            process.terminate()
            throw Failure("the \(kind) receiver did not start: '\(String(decoding: line, as: UTF8.self))'")
        }
        port = bound
        self.process = process
    }

    /// Kills it: connections are refused until `start()`.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// The event ids received, in order, duplicates included.
    func received() throws -> [String] {
        guard let text = try? String(contentsOf: out, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["event_id"] as? String)
        }
    }

    /// Every line received, as JSON objects.
    func lines() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: out, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
