/// A policy test: "for this context, expect this outcome" — like a unit test for policy.
///
/// Written in the `expectations:` section of a policy file and run by `ringfence
/// test-policy DIR` (and by the tests of docs/resolution.md's examples). Only what an
/// expectation states is checked.
public struct PolicyExpectation: Sendable {
    /// Name shown in results.
    public var name: String
    /// Where it was written.
    public var file: String
    public var line: Int
    /// The context to resolve.
    public var context: DecisionContext
    /// Expected ring and its source.
    public var ring: Ring?
    public var ringSource: String?
    /// Expected per-surface outcomes.
    public var surfaces: [Surface: SurfaceExpectation]
    /// Expected trace outcomes by assignment id (`matched`, `not-matched`, `not-valid`, `shadowed`).
    public var trace: [String: String]

    /// What is expected of one surface.
    public struct SurfaceExpectation: Sendable, Hashable {
        /// Applied level.
        public var level: Level?
        /// Uncapped level.
        public var uncapped: Level?
        /// Winning assignment id; `none` for no winner.
        public var via: String?
        /// Exact set of effective rules (`pack/RULE-ID`) with their applied levels.
        public var rules: [String: Level]?
        /// The risk class of the floor that set the surface's level; `none` for no floor.
        public var floor: String?

        public init(
            level: Level? = nil, uncapped: Level? = nil, via: String? = nil, rules: [String: Level]? = nil,
            floor: String? = nil
        ) {
            self.level = level
            self.uncapped = uncapped
            self.via = via
            self.rules = rules
            self.floor = floor
        }
    }

    public init(
        name: String, file: String, line: Int, context: DecisionContext, ring: Ring? = nil, ringSource: String? = nil,
        surfaces: [Surface: SurfaceExpectation] = [:], trace: [String: String] = [:]
    ) {
        self.name = name
        self.file = file
        self.line = line
        self.context = context
        self.ring = ring
        self.ringSource = ringSource
        self.surfaces = surfaces
        self.trace = trace
    }

    /// Checks a resolution; returns one line per difference (empty when it holds).
    public func failures(in resolution: Resolution) -> [String] {
        var failures: [String] = []
        if let ring, ring != resolution.ring {
            failures.append(
                "ring: expected \(ring.number), got \(resolution.ring.number) (from \(resolution.ringSource))")
        }
        if let ringSource, ringSource != resolution.ringSource.description {
            failures.append("ring source: expected '\(ringSource)', got '\(resolution.ringSource)'")
        }
        for (surface, expected) in surfaces.sorted(by: { $0.key < $1.key }) {
            guard let actual = resolution.surface(surface) else {
                failures.append("\(surface): not resolved")
                continue
            }
            if let level = expected.level, level != actual.level {
                failures.append(
                    "\(surface) level: expected \(level), got \(actual.level) (via \(actual.winningAssignment ?? "none"))"
                )
            }
            if let uncapped = expected.uncapped, uncapped != actual.uncappedLevel {
                failures.append("\(surface) uncapped level: expected \(uncapped), got \(actual.uncappedLevel)")
            }
            if let via = expected.via, via != (actual.winningAssignment ?? "none") {
                failures.append("\(surface) via: expected \(via), got \(actual.winningAssignment ?? "none")")
            }
            if let floor = expected.floor {
                let got = actual.decidingFloor
                if floor != (got?.floor.risk.rawValue ?? "none") {
                    failures.append("\(surface) floor: expected \(floor), got \(got?.description ?? "none")")
                }
            }
            if let rules = expected.rules {
                let got = Dictionary(actual.rules.map { ("\($0.pack)/\($0.rule.id)", $0.level) }, uniquingKeysWith: max)
                for key in Set(rules.keys).union(got.keys).sorted() where rules[key] != got[key] {
                    failures.append(
                        "\(surface) rule \(key): expected \(rules[key]?.rawValue ?? "absent"), got \(got[key]?.rawValue ?? "absent")"
                    )
                }
            }
        }
        let lines = Dictionary(
            resolution.traceLines.map { ($0.assignment, $0) }, uniquingKeysWith: { first, _ in first })
        for (assignment, outcome) in trace.sorted(by: { $0.key < $1.key }) {
            guard let line = lines[assignment] else {
                failures.append("trace \(assignment): no such assignment")
                continue
            }
            if line.outcome != outcome {
                failures.append("trace \(assignment): expected \(outcome), got \(line.outcome) (\(line.reason))")
            }
        }
        return failures
    }
}
