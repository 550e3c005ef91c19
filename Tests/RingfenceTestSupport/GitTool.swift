import Foundation

/// The real `git`, for tests that need repositories as developers have them (clones,
/// worktrees, submodules). Identity and defaults are passed on the command line, so the
/// machine's configuration does not matter.
public enum GitTool {
    /// A `git` command that failed, with its output.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `git arguments` in `directory`; returns its output or throws with it.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL) throws -> String {
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "git", "-c", "user.name=Ringfence Test", "-c", "user.email=test@example.com", "-c",
                "protocol.file.allow=always", "-c", "init.defaultBranch=main",
            ] + arguments, directory: directory, mergeErrors: true)
        guard result.status == 0 else { throw Failure(description: "git \(arguments): \(result.stdout)") }
        return result.stdout
    }

    /// A new repository at `directory` (created), with `origin` set to `remote` when given.
    public static func initialize(_ directory: URL, origin remote: String? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try run(["init", "-q"], in: directory)
        if let remote { try run(["remote", "add", "origin", remote], in: directory) }
    }

    /// Runs `body` with a fresh temporary folder (symbolic links resolved), removed after.
    public static func withFolder<Result>(_ body: (URL) throws -> Result) throws -> Result {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    /// The same for asynchronous work.
    public static func withAsyncFolder<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-git-\(UUID().uuidString)")
            .resolvingSymlinksInPath()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
