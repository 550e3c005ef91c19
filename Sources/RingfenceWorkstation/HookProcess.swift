import Foundation
import RingfenceAdapters
import RingfenceCore

/// One run of the hook as a process — what `ringfence hook` and the small
/// `ringfence-hook` executable both do: read the agent's input, decide from the cached
/// policy, answer, queue the event.
public enum HookProcess {
    /// The hook's settings, from its command line.
    public struct Arguments: Sendable, Equatable {
        public var agent: AgentKind
        public var cache: String
        public var failClosed: Set<Surface>

        public init(agent: AgentKind, cache: String = "/var/lib/ringfence", failClosed: Set<Surface> = []) {
            self.agent = agent
            self.cache = cache
            self.failClosed = failClosed
        }

        /// The agent of `--agent`.
        public static func agent(_ name: String) throws(WorkstationError) -> AgentKind {
            guard let kind = AgentKind(name: name) else {
                throw WorkstationError("--agent must be one of \(agentNames), got '\(name)'")
            }
            return kind
        }

        /// The agents `--agent` takes, for messages.
        public static var agentNames: String { AgentKind.allCases.map(\.rawValue).joined(separator: ", ") }

        /// The surfaces of `--fail-closed` values (comma-separated, repeatable).
        public static func surfaces(_ values: [String]) throws(WorkstationError) -> Set<Surface> {
            var surfaces = Set<Surface>()
            for name in values.flatMap({ $0.split(separator: ",") }).map(String.init) where !name.isEmpty {
                guard let surface = Surface(rawValue: name) else {
                    throw WorkstationError("--fail-closed: '\(name)' is not a surface name")
                }
                surfaces.insert(surface)
            }
            return surfaces
        }

        /// Parses `--agent K [--cache DIR] [--fail-closed S,...]` (also `--flag=value`).
        public init(parsing arguments: [String]) throws(WorkstationError) {
            var agent: AgentKind?
            var cache = "/var/lib/ringfence"
            var failClosed: [String] = []
            var index = 0
            while index < arguments.count {
                var name = arguments[index]
                var value: String?
                if let equals = name.firstIndex(of: "=") {
                    value = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                } else if index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") {
                    value = arguments[index + 1]
                    index += 1
                }
                guard let value else { throw WorkstationError("\(name) needs a value") }
                switch name {
                case "--agent": agent = try Self.agent(value)
                case "--cache": cache = value
                case "--fail-closed": failClosed.append(value)
                default: throw WorkstationError("unknown option '\(name)' (expected --agent, --cache, --fail-closed)")
                }
                index += 1
            }
            guard let agent else { throw WorkstationError("--agent is needed (\(Self.agentNames))") }
            self.init(agent: agent, cache: cache, failClosed: try Self.surfaces(failClosed))
        }
    }

    /// What the process writes and how it exits.
    public struct Outcome: Sendable {
        public var stdout: String
        public var stderr: String
        public var status: Int32
    }

    /// One run as a process: stdin in, the outcome on stdout and stderr; returns the exit status.
    public static func runWithStandardStreams(_ arguments: Arguments) -> Int32 {
        let input = FileHandle.standardInput.readData(ofLength: maxInputBytes + 1)
        // Only the three variables the hook reads: building ProcessInfo's whole environment
        // dictionary showed in the hook's start-up profile.
        var environment: [String: String] = [:]
        for name in ["HOME", "USER", "LOGNAME"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        let outcome = run(arguments, input: input, environment: environment)
        FileHandle.standardOutput.write(Data(outcome.stdout.utf8))
        if !outcome.stderr.isEmpty { FileHandle.standardError.write(Data(outcome.stderr.utf8)) }
        return outcome.status
    }

    /// Largest hook input read, in bytes.
    public static let maxInputBytes = 1 << 20

    /// Decides one input. Input that cannot be read at all (not JSON, too large) is
    /// `unrecognized` like any input the agent's protocol does not understand: recorded,
    /// and refused with exit status 2 when any surface fails closed. A failure to queue the
    /// event is reported on stderr; the answer stands.
    public static func run(_ arguments: Arguments, input: Data, environment: [String: String], now: Date = Date())
        -> Outcome
    {
        let invocation: HookInvocation
        do {
            guard input.count <= maxInputBytes else {
                throw HookInvocation.InputError(description: "hook input is larger than \(maxInputBytes) bytes")
            }
            invocation = try HookInvocation(agent: arguments.agent, json: input)
        } catch {
            invocation = .unreadable(agent: arguments.agent, reason: "\(error)")
        }
        let cache = WorkstationCache(directory: arguments.cache)
        // The repository of the directory the agent works in decides which policy applies.
        let slug = invocation.action == nil ? nil : GitRepository.containing(invocation.directory)?.slug
        // Only the surfaces this action is checked against are read from the cache.
        var surfaces = invocation.action.map { Set($0.surfaces) } ?? []
        if slug != nil { surfaces.insert(.unmanagedRepo) }
        let policy = cache.cachedPolicy(surfaces: surfaces, repository: slug)
        let run = HookRun(
            invocation: invocation, policy: policy, failClosed: arguments.failClosed,
            home: environment["HOME"] ?? "", user: environment["USER"] ?? environment["LOGNAME"] ?? "",
            eventID: UUID().uuidString.lowercased(), now: now.timeIntervalSince1970, repo: slug ?? "")
        var stderr = run.answer.stderr
        if let event = run.event {
            do {
                try cache.enqueue(event)
            } catch {
                stderr += "ringfence hook: \(error)\n"
            }
        }
        return Outcome(stdout: run.answer.stdout, stderr: stderr, status: run.answer.exitCode)
    }
}
