import Foundation
import RingfenceAdapters
import RingfenceCore

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The directory a workstation keeps Ringfence's state in (`--cache`, default
/// `/var/lib/ringfence`):
///
/// - `identity.json` — host id and API key from enrolment (mode 0600: only the service
///   account that runs `workstation` commands reads it);
/// - `policy.rfp` — the resolved policy the hook decides from, in the compact binary form
///   (`AgentPolicy.binary`), and `policy.json`, the same for people and tools (readable by users);
/// - `managed/<agent>.json` — where the agent's native files were installed, for drift;
/// - `queue/events.jsonl` — audit events the hook queued (writable by users), and
///   `queue/sending-*.jsonl` batches taken for sending.
public struct WorkstationCache: Sendable {
    /// The directory.
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    public var identityPath: String { directory + "/identity.json" }
    public var policyPath: String { directory + "/policy.json" }
    public var binaryPolicyPath: String { directory + "/policy.rfp" }
    public var queueDirectory: String { directory + "/queue" }
    public var queuePath: String { queueDirectory + "/events.jsonl" }
    public var lockPath: String { queueDirectory + "/lock" }
    public func managedPath(_ agent: AgentKind) -> String { directory + "/managed/\(agent.rawValue).json" }

    /// Largest queue file the hook appends to; beyond it, events are dropped (and counted
    /// on stderr) until `workstation send` empties the queue.
    public static let maxQueueBytes = 16 << 20

    /// Who the host is to the server.
    public struct Identity: Codable, Sendable {
        public var hostID: String
        public var apiKey: String

        public init(hostID: String, apiKey: String) {
            self.hostID = hostID
            self.apiKey = apiKey
        }
    }

    /// Where an agent's native files were installed, and which.
    public struct ManagedInstall: Codable, Sendable {
        public var directory: String
        public var files: [String]
        public var etag: String

        public init(directory: String, files: [String], etag: String) {
            self.directory = directory
            self.files = files
            self.etag = etag
        }
    }

    // MARK: Policy (read by the hook on every call)

    /// The cached policy (only the `surfaces` given, when given), or why it cannot be used.
    public func cachedPolicy(surfaces: Set<Surface>? = nil) -> HookRun.CachedPolicy {
        guard let data = FileManager.default.contents(atPath: binaryPolicyPath) else {
            return .unavailable("no cached policy at \(binaryPolicyPath) (run ringfence workstation fetch)")
        }
        do {
            return .available(try AgentPolicy(binary: Array(data), only: surfaces))
        } catch {
            return .unavailable("the cached policy at \(binaryPolicyPath) is unreadable (\(error))")
        }
    }

    /// Stores a policy for the hook: `policy.json`, then `policy.rfp` (what the hook reads),
    /// each replaced atomically.
    public func storePolicy(_ policy: AgentPolicy) throws {
        try Self.writeAtomically(try Self.json(policy), to: policyPath)
        try Self.writeAtomically(Data(policy.binary), to: binaryPolicyPath)
    }

    // MARK: Files

    public func read<Value: Decodable>(_ type: Value.Type, at path: String) throws -> Value {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkstationError("cannot read \(path)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw WorkstationError("\(path) is not valid: \(error)")
        }
    }

    /// Writes a file through a temporary file and `rename`, so readers see the old or the
    /// new content, never a part.
    public static func writeAtomically(_ data: Data, to path: String, mode: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp-\(getpid())"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: data, attributes: [.posixPermissions: Int(mode)])
        else {
            throw WorkstationError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw WorkstationError("cannot move \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    public static func json<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    // MARK: Event queue

    /// Appends one event as a line, under the queue lock, in one `write`.
    public func enqueue(_ event: QueuedEvent) throws {
        var line = try JSONEncoder().encode(event)
        line.append(UInt8(ascii: "\n"))
        try withQueueLock {
            let fd = open(queuePath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
            guard fd >= 0 else {
                throw WorkstationError("cannot open \(queuePath): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var status = stat()
            if fstat(fd, &status) == 0, Int(status.st_size) + line.count > Self.maxQueueBytes {
                throw WorkstationError(
                    "the event queue \(queuePath) is full (\(Self.maxQueueBytes >> 20) MiB); event dropped")
            }
            let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written == line.count else {
                throw WorkstationError("cannot append to \(queuePath): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// Moves the queued events aside for sending (under the lock, so no hook is writing
    /// to them) and returns every batch waiting to be sent, oldest first.
    public func takeQueue() throws -> [String] {
        try withQueueLock {
            if FileManager.default.fileExists(atPath: queuePath) {
                let batch = queueDirectory + "/sending-\(Int(Date().timeIntervalSince1970 * 1_000)).jsonl"
                guard rename(queuePath, batch) == 0 else {
                    throw WorkstationError("cannot move \(queuePath) aside: \(String(cString: strerror(errno)))")
                }
            }
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: queueDirectory)) ?? []
        return names.filter { $0.hasPrefix("sending-") && $0.hasSuffix(".jsonl") }.sorted().map {
            queueDirectory + "/" + $0
        }
    }

    private func withQueueLock<Result>(_ body: () throws -> Result) throws -> Result {
        if !FileManager.default.fileExists(atPath: queueDirectory) {
            try FileManager.default.createDirectory(
                atPath: queueDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o1777])
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw WorkstationError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw WorkstationError("cannot lock \(lockPath)") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

/// A workstation command failed; the message says what to do.
public struct WorkstationError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
