import Foundation
import RingfenceStore
import RingfenceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `ringfence` executable built next to the test bundle, run as a real child process:
/// one-shot commands with their output, and `serve` as a background process that tests
/// stop with SIGTERM or kill with SIGKILL.
struct RingfenceExecutable {
    let url: URL
    var environment: [String: String]

    /// The binary `swift build --build-tests` put beside the test bundle (`ringfence`, or
    /// another executable product such as `ringfence-hook`).
    init(environment: [String: String], name: String = "ringfence") throws {
        let directory =
            Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent(name) }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure("no \(name) executable in \(candidates.map(\.path)); run `swift build --build-tests` first")
        }
        url = found
        self.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }

    /// Runs a command to completion; returns its standard output, throws on a non-zero exit.
    @discardableResult
    func run(_ arguments: [String]) throws -> String {
        let result = try run(arguments, input: Data())
        guard result.status == 0 else {
            throw Failure(
                "ringfence \(arguments.joined(separator: " ")) exited with \(result.status): \(result.stderr)\(result.stdout)"
            )
        }
        return result.stdout
    }

    /// Runs a command with `input` on its standard input; returns its exit status and output
    /// (through files, not pipes: `ChildProcess`).
    func run(_ arguments: [String], input: Data) throws -> (status: Int32, stdout: String, stderr: String) {
        let result = try ChildProcess.run(url, arguments, environment: environment, input: input)
        return (result.status, result.stdout, result.stderr)
    }

    /// Waits for a started `serve` to answer health checks (`ringfence health`), giving up
    /// when it has exited; on failure, the error carries the serve log.
    func waitUntilServing(_ server: Process, port: Int, log: URL) throws {
        var attempts = 0
        while true {
            do {
                try run(["health", "--server", "127.0.0.1:\(port)", "--service", "", "--wait", "2s"])
                return
            } catch {
                attempts += 1
                guard server.isRunning, attempts < 30 else {
                    throw Failure("\(error)\nserve log:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                }
            }
        }
    }

    /// The `postgres://` URL of a test database, for the child's environment.
    static func databaseURL(_ database: DatabaseConfiguration) -> String {
        var url = "postgres://\(database.username)"
        if let password = database.password {
            url += ":" + (password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
        return url + "@\(database.host):\(database.port)/\(database.database)"
    }

    /// Starts `ringfence serve` with its log written to `log`.
    func startServe(_ arguments: [String] = [], log: URL) throws -> Process {
        try start(["serve"] + arguments, log: log)
    }

    /// Runs `body` with a started `ringfence serve` that answers health checks on `port`, its
    /// log in `log`; afterwards SIGKILLs it if it is still running (a test that stops it
    /// itself finds it stopped).
    func withServe<Result>(
        _ arguments: [String] = [], port: Int, log: URL, _ body: (Process) async throws -> Result
    ) async throws -> Result {
        let server = try startServe(arguments, log: log)
        func stop() {
            guard server.isRunning else { return }
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        do {
            try waitUntilServing(server, port: port, log: log)
            let result = try await body(server)
            stop()
            return result
        } catch {
            stop()
            throw error
        }
    }

    /// Starts a long-running command (`serve`, `workstation run`) in the background, its
    /// output appended to `log`.
    func start(_ arguments: [String], log: URL) throws -> Process {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
