import Foundation
import RingfenceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `scripts/interop/oidc_test_provider.py` as a process: django-oidc-provider from PyPI, a
/// real OpenID Connect provider, on loopback with its database in a temporary folder.
/// Commands go to its standard input, one answer comes back per command.
final class OIDCTestProvider: @unchecked Sendable {
    static let enabled = ProcessInfo.processInfo.environment["RINGFENCE_TEST_PYTHON"] != nil || TestServers.isCI
    static let skipMessage: Comment = "set RINGFENCE_TEST_PYTHON (scripts/test does) to run the OpenID Connect provider"

    let port: Int
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let folder: URL

    var issuer: String { "http://127.0.0.1:\(port)/openid" }

    init() throws {
        let python = try #require(ProcessInfo.processInfo.environment["RINGFENCE_TEST_PYTHON"])
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ringfence-oidc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            TestServers.repositoryRoot.appending(path: "scripts/interop/oidc_test_provider.py").path, "--folder",
            folder.path,
        ]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
        let words = try Self.line(output).split(separator: " ")
        guard words.count == 2, words[0] == "listening", let bound = Int(words[1]) else {
            process.terminate()
            throw Failure("the OpenID Connect provider did not start: '\(words.joined(separator: " "))'")
        }
        port = bound
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

    /// Sends one command; returns its answer.
    func command(_ words: String...) throws -> String {
        try input.write(contentsOf: Data((words.joined(separator: " ") + "\n").utf8))
        return try Self.line(output)
    }

    /// Registers a confidential client (RS256, no consent screen).
    func client(_ id: String, secret: String, redirect: String) throws {
        #expect(try command("client", id, secret, redirect) == "ok")
    }

    /// Adds a person who can sign in at the provider.
    func user(_ name: String, password: String) throws {
        #expect(try command("user", name, password) == "ok")
    }

    /// Opens an authorization request as a browser would and signs in through the
    /// provider's login form; returns where the provider sends the browser at the end.
    func signIn(_ name: String, password: String, at url: String) throws -> String {
        try command("sign-in", name, password, url)
    }

    private static func line(_ handle: FileHandle) throws -> String {
        var line = Data()
        while let byte = try handle.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        return String(decoding: line, as: UTF8.self)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
