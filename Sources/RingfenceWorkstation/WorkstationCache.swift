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
/// - `policy-signing-key` — the server's Ed25519 public key (32 raw bytes), from
///   enrolment and every heartbeat: the hook uses no policy it does not verify with it;
/// - `policy.rfp` — the resolved policy the hook decides from, as the server signed it
///   (`SignedPolicy` around `AgentPolicy.binary`), and `policy.json`, the same for people
///   and tools (readable by users): the policy for work outside any known repository;
/// - `repos/<slug>.rfp` and `.json` — the policy resolved for one repository (the slug
///   with `/` and other characters outside `[a-z0-9._-]` percent-encoded), used by the
///   hook in that repository;
/// - `repos/seen/<slug>` — repositories the hook worked in without a policy of their own,
///   for `workstation fetch` to fetch (writable by users);
/// - `managed/<agent>.json` — where the agent's native files were installed, for drift;
/// - `agent-versions.json` — the version each agent's hook input last named (by kind),
///   noted when the queue is sent, for the inventory;
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
    public var signingKeyPath: String { directory + "/policy-signing-key" }
    public var queueDirectory: String { directory + "/queue" }
    public var queuePath: String { queueDirectory + "/events.jsonl" }
    public var lockPath: String { queueDirectory + "/lock" }
    public func managedPath(_ agent: AgentKind) -> String { directory + "/managed/\(agent.rawValue).json" }
    public var repositoriesDirectory: String { directory + "/repos" }
    public var agentVersionsPath: String { directory + "/agent-versions.json" }
    public var seenRepositoriesDirectory: String { repositoriesDirectory + "/seen" }
    public func binaryPolicyPath(repository slug: String) -> String {
        repositoriesDirectory + "/" + Self.fileName(slug) + ".rfp"
    }
    public func policyPath(repository slug: String) -> String {
        repositoriesDirectory + "/" + Self.fileName(slug) + ".json"
    }

    private static let hexDigits = Array("0123456789ABCDEF")

    /// A slug as a file name: characters outside `[a-z0-9._-]` percent-encoded, so `/`
    /// cannot make a path and no two slugs share a name.
    public static func fileName(_ slug: String) -> String {
        var name = ""
        for byte in slug.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"),
                UInt8(ascii: "_"):
                name.append(Character(Unicode.Scalar(byte)))
            case UInt8(ascii: ".") where !name.isEmpty:
                name.append(".")
            default:
                name += ["%", hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            }
        }
        return name
    }

    /// The slug a file name was made from.
    public static func slug(fileName name: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = name.startIndex
        while index < name.endIndex {
            if name[index] == "%" {
                let end = name.index(index, offsetBy: 3, limitedBy: name.endIndex) ?? name.endIndex
                guard name.distance(from: index, to: end) == 3,
                    let byte = UInt8(name[name.index(after: index)..<end], radix: 16)
                else { return nil }
                bytes.append(byte)
                index = end
            } else {
                bytes.append(contentsOf: name[index].utf8)
                index = name.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// Largest queue file the hook appends to; beyond it, events are dropped (and counted
    /// on stderr) until `workstation send` empties the queue.
    public static let maxQueueBytes = 16 << 20

    /// Who the host is to the server.
    public struct Identity: Codable, Sendable {
        public var hostID: String
        public var apiKey: String
        /// When the key was issued and when it stops working (nil in identities written
        /// before rotation was automatic: such a key is rotated at once).
        public var keyIssuedAt: Date?
        public var keyExpiresAt: Date?

        public init(hostID: String, apiKey: String, keyIssuedAt: Date? = nil, keyExpiresAt: Date? = nil) {
            self.hostID = hostID
            self.apiKey = apiKey
            self.keyIssuedAt = keyIssuedAt
            self.keyExpiresAt = keyExpiresAt
        }
    }

    /// Where an agent's native files were installed, and which.
    public struct ManagedInstall: Codable, Sendable {
        public var directory: String
        public var files: [String]
        public var etag: String
        /// SHA-256 (hex) of each file as installed, by name (nil in records from before).
        public var sha256: [String: String]?

        public init(directory: String, files: [String], etag: String, sha256: [String: String]? = nil) {
            self.directory = directory
            self.files = files
            self.etag = etag
            self.sha256 = sha256
        }

        /// Whether every file is on disk as it was installed.
        public var isIntact: Bool {
            guard let sha256 else { return false }
            return files.allSatisfy { name in
                guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return false }
                return NativeFile.sha256Hex(Array(data)) == sha256[name]
            }
        }
    }

    // MARK: Policy (read by the hook on every call)

    /// The cached policy (only the `surfaces` given, when given), or why it cannot be used:
    /// the repository's own when the host has one for it, else the one for work outside
    /// known repositories. A repository without its own is noted for the next fetch.
    public func cachedPolicy(surfaces: Set<Surface>? = nil, repository slug: String? = nil) -> HookRun.CachedPolicy {
        var path = binaryPolicyPath
        if let slug, !slug.isEmpty {
            let own = binaryPolicyPath(repository: slug)
            if FileManager.default.fileExists(atPath: own) {
                path = own
            } else {
                noteSeen(slug)
            }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .unavailable("no cached policy at \(path) (run ringfence workstation fetch)")
        }
        guard let key = FileManager.default.contents(atPath: signingKeyPath) else {
            return .unavailable("no policy signing key at \(signingKeyPath) (enrol, or send a heartbeat)")
        }
        do {
            let policy = try SignedPolicy.open(Array(data), publicKey: Array(key))
            return .available(try AgentPolicy(binary: policy, only: surfaces))
        } catch let refusal as SignedPolicy.Refusal {
            return .unavailable("the cached policy at \(path) is refused: \(refusal)")
        } catch {
            return .unavailable("the cached policy at \(path) is unreadable (\(error))")
        }
    }

    /// Stores a policy for the hook as the server signed it — for one repository, or for
    /// work outside known repositories: the JSON form, then the signed binary one (what
    /// the hook reads), each replaced atomically. The signature is checked first with the
    /// stored key, so a policy the hook would refuse is never installed. A repository's
    /// policy clears its "seen" mark.
    ///
    /// - Returns: the policy.
    @discardableResult
    public func storePolicy(signed policy: [UInt8], signature: [UInt8], repository slug: String? = nil) throws
        -> AgentPolicy
    {
        let slug = slug.flatMap { $0.isEmpty ? nil : $0 }
        let sealed = SignedPolicy.seal(policy: policy, signature: signature)
        guard let key = FileManager.default.contents(atPath: signingKeyPath) else {
            throw WorkstationError("no policy signing key at \(signingKeyPath): enrol, or send a heartbeat, first")
        }
        let decoded = try AgentPolicy(binary: try SignedPolicy.open(sealed, publicKey: Array(key)))
        try Self.writeAtomically(try Self.json(decoded), to: slug.map(policyPath(repository:)) ?? policyPath)
        try Self.writeAtomically(Data(sealed), to: slug.map(binaryPolicyPath(repository:)) ?? binaryPolicyPath)
        if let slug { unlink(seenRepositoriesDirectory + "/" + Self.fileName(slug)) }
        return decoded
    }

    /// Stores the server's policy signing key (readable by users: the hook runs as them).
    public func storeSigningKey(_ key: [UInt8]) throws {
        guard key.count == 32 else { throw WorkstationError("the server's policy signing key is not 32 bytes") }
        if FileManager.default.contents(atPath: signingKeyPath).map(Array.init) == key { return }
        try Self.writeAtomically(Data(key), to: signingKeyPath)
    }

    /// Repositories the host has a policy for, and those the hook worked in without one.
    public func repositories() -> (cached: [String], seen: [String]) {
        func slugs(in directory: String, suffix: String) -> [String] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }
                .compactMap { Self.slug(fileName: $0.dropLast(suffix.count)) }.sorted()
        }
        return (slugs(in: repositoriesDirectory, suffix: ".rfp"), slugs(in: seenRepositoriesDirectory, suffix: ""))
    }

    /// The version each agent's hook input last named, by agent kind (none before the
    /// first events were sent).
    public func agentVersions() -> [String: String] {
        (try? read([String: String].self, at: agentVersionsPath)) ?? [:]
    }

    /// Notes the versions events named (by agent kind; empty versions are ignored), keeping
    /// the others.
    public func noteAgentVersions(_ versions: [String: String]) throws {
        let named = versions.filter { !$0.key.isEmpty && !$0.value.isEmpty }
        let current = agentVersions()
        let merged = current.merging(named) { _, new in new }
        guard merged != current else { return }
        try Self.writeAtomically(try Self.json(merged), to: agentVersionsPath)
    }

    /// Marks a repository as seen (an empty file; the hook runs as the developer, so the
    /// directory is writable by all, sticky). Failures are ignored: the mark only speeds
    /// up the next fetch.
    private func noteSeen(_ slug: String) {
        let path = seenRepositoriesDirectory + "/" + Self.fileName(slug)
        if FileManager.default.fileExists(atPath: path) { return }
        if !FileManager.default.fileExists(atPath: seenRepositoriesDirectory) {
            try? FileManager.default.createDirectory(
                atPath: seenRepositoriesDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o1777])
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
        if fd >= 0 { close(fd) }
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
