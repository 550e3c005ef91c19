import Foundation

/// The gates of a rollout step and their evaluation: pure, from measurements the store
/// makes (``GateMeasurements``) and thresholds the plan sets.
public enum RolloutGates {
    /// A step's thresholds; a nil gate is not checked.
    public struct Thresholds: Sendable, Hashable, Codable {
        /// Days of events the rates are measured over (default 7).
        public var windowDays: Int?
        /// Minimum share of members with a host that reported within the stale threshold.
        public var connectedMembers: Double?
        /// Minimum share of the members' connected hosts with every agent's hook installed and
        /// no drifted managed file.
        public var hookedHosts: Double?
        /// Maximum block candidates per active person-day.
        public var blockCandidatesPerPersonDay: Double?
        /// Maximum share of members any one rule made a candidate of.
        public var ruleNoiseShare: Double?
        /// Maximum pending exception requests by members.
        public var openExceptions: Int?

        /// Creates thresholds.
        public init(
            windowDays: Int? = nil, connectedMembers: Double? = nil, hookedHosts: Double? = nil,
            blockCandidatesPerPersonDay: Double? = nil, ruleNoiseShare: Double? = nil, openExceptions: Int? = nil
        ) {
            self.windowDays = windowDays
            self.connectedMembers = connectedMembers
            self.hookedHosts = hookedHosts
            self.blockCandidatesPerPersonDay = blockCandidatesPerPersonDay
            self.ruleNoiseShare = ruleNoiseShare
            self.openExceptions = openExceptions
        }

        /// These thresholds, with the gaps filled from `defaults`.
        public func merged(over defaults: Thresholds) -> Thresholds {
            Thresholds(
                windowDays: windowDays ?? defaults.windowDays,
                connectedMembers: connectedMembers ?? defaults.connectedMembers,
                hookedHosts: hookedHosts ?? defaults.hookedHosts,
                blockCandidatesPerPersonDay: blockCandidatesPerPersonDay ?? defaults.blockCandidatesPerPersonDay,
                ruleNoiseShare: ruleNoiseShare ?? defaults.ruleNoiseShare,
                openExceptions: openExceptions ?? defaults.openExceptions)
        }

        /// The measurement window in seconds.
        public var window: TimeInterval { Double(windowDays ?? 7) * 86_400 }
    }

    /// One gate's verdict with its numbers.
    public struct Result: Sendable, Hashable, Codable {
        /// `connectedMembers`, `hookedHosts`, … (the plan's key).
        public var gate: String
        public var passed: Bool
        /// What was measured and what was asked, in words: `7 of 8 members (87.5 %) ≥ 90 %`.
        public var detail: String

        /// Creates a result.
        public init(gate: String, passed: Bool, detail: String) {
            self.gate = gate
            self.passed = passed
            self.detail = detail
        }

        public var line: String { "\(passed ? "pass" : "FAIL")  \(gate): \(detail)" }
    }

    /// Every gate the thresholds set, in a fixed order. A group without members fails the
    /// share gates: nobody to measure is no evidence.
    public static func evaluate(_ measured: GateMeasurements, _ thresholds: Thresholds) -> [Result] {
        var results: [Result] = []
        if let minimum = thresholds.connectedMembers {
            results.append(
                minimumShare(
                    "connectedMembers", measured.membersConnected, of: measured.members, minimum,
                    what: "members have a connected host"))
        }
        if let minimum = thresholds.hookedHosts {
            results.append(
                minimumShare(
                    "hookedHosts", measured.hostsHooked, of: measured.hostsConnected, minimum,
                    what: "connected hosts have every hook installed and no drift"))
        }
        if let maximum = thresholds.blockCandidatesPerPersonDay {
            let rate =
                measured.activePersonDays == 0
                ? 0 : Double(measured.blockCandidates) / Double(measured.activePersonDays)
            results.append(
                Result(
                    gate: "blockCandidatesPerPersonDay", passed: rate <= maximum,
                    detail:
                        "\(measured.blockCandidates) block candidates over \(measured.activePersonDays) active person-days (\(decimal(rate)) a person-day); at most \(decimal(maximum))"
                ))
        }
        if let maximum = thresholds.ruleNoiseShare {
            let noisiest = measured.noisiestRule
            let share = ratio(noisiest?.users ?? 0, measured.members)
            results.append(
                Result(
                    gate: "ruleNoiseShare", passed: share <= maximum,
                    detail: noisiest.map {
                        "the noisiest rule, \($0.pack)/\($0.rule), hit \($0.users) of \(measured.members) members (\(percent(share))); at most \(percent(maximum))"
                    } ?? "no rule had candidates; at most \(percent(maximum))"))
        }
        if let maximum = thresholds.openExceptions {
            results.append(
                Result(
                    gate: "openExceptions", passed: measured.openExceptions <= maximum,
                    detail: "\(measured.openExceptions) exception requests pending; at most \(maximum)"))
        }
        return results
    }

    /// A gate asking that at least `minimum` of `whole` be `part`; nothing measured fails it.
    static func minimumShare(_ gate: String, _ part: Int, of whole: Int, _ minimum: Double, what: String) -> Result {
        let share = ratio(part, whole)
        return Result(
            gate: gate, passed: whole > 0 && share >= minimum,
            detail: "\(part) of \(whole) \(what) (\(percent(share))); at least \(percent(minimum))")
    }

    static func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
    static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value)) %" : "\(value) %"
    }
    static func decimal(_ value: Double) -> String { String(format: "%.2f", value) }
}
