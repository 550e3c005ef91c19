import Foundation

/// Runs a program to its end with its standard input, output and error in temporary files,
/// not pipes.
///
/// Tests run in parallel and start long-lived processes (slapd, `ringfence serve`, Python
/// peers) at any moment; a child started while another test's pipe is open inherits that
/// pipe's end (swift-corelibs-foundation does not close descriptors in the child), and a
/// reader waiting for end-of-file then waits as long as the daemon lives. Found as a hang
/// of the whole run: a slapd held the write end of `ringfence workstation`'s output pipe,
/// and the two threads of Swift's cooperative pool (2 cores) were both blocked reading.
/// Files have no such end-of-file; the result is read once the child has exited.
public enum ChildProcess {
    /// What a finished child left.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` to its end, blocking the calling thread; `stderr` joins `stdout`
    /// when `mergeErrors`.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
        input: Data = Data(), mergeErrors: Bool = false
    ) throws -> Output {
        let files = try Files(input: input)
        defer { files.remove() }
        let process = try files.process(
            executable, arguments, environment: environment, directory: directory, mergeErrors: mergeErrors)
        try process.run()
        process.waitUntilExit()
        return try files.output(status: process.terminationStatus)
    }

    /// Runs `executable` to its end without holding a thread while it runs.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
        input: Data = Data(), mergeErrors: Bool = false
    ) async throws -> Output {
        let files = try Files(input: input)
        defer { files.remove() }
        let process = try files.process(
            executable, arguments, environment: environment, directory: directory, mergeErrors: mergeErrors)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return try files.output(status: status)
    }

    /// The three files of one run in a folder of their own.
    struct Files {
        let folder: URL
        var stdin: URL { folder.appendingPathComponent("stdin") }
        var stdout: URL { folder.appendingPathComponent("stdout") }
        var stderr: URL { folder.appendingPathComponent("stderr") }

        init(input: Data) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-child-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try input.write(to: stdin)
            for file in [stdout, stderr] { _ = FileManager.default.createFile(atPath: file.path, contents: nil) }
        }

        func process(
            _ executable: URL, _ arguments: [String], environment: [String: String]?, directory: URL?,
            mergeErrors: Bool
        ) throws -> Process {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            if let environment { process.environment = environment }
            if let directory { process.currentDirectoryURL = directory }
            process.standardInput = try FileHandle(forReadingFrom: stdin)
            let output = try FileHandle(forWritingTo: stdout)
            process.standardOutput = output
            process.standardError = mergeErrors ? output : try FileHandle(forWritingTo: stderr)
            return process
        }

        func output(status: Int32) throws -> Output {
            Output(
                status: status, stdout: String(decoding: try Data(contentsOf: stdout), as: UTF8.self),
                stderr: String(decoding: try Data(contentsOf: stderr), as: UTF8.self))
        }

        func remove() { try? FileManager.default.removeItem(at: folder) }
    }
}
