import Foundation

/// A developer's request to be let through one rule in one repository for a while, and
/// what became of it (docs/operations.md, "Exceptions").
///
/// A request is made from the workstation (`ringfence workstation request-exception`, the
/// `RequestException` RPC) after the hook denied or asked; an approver approves or denies
/// it; an approval publishes a ``RuleAdjustment`` of kind `exception` for the requester
/// and the repository, which ends by itself.
public struct ExceptionRequest: Sendable, Hashable {
    /// Where a request stands.
    public enum Status: String, Sendable, Hashable, CaseIterable, Codable {
        case pending, approved, denied, expired
    }

    /// Stored id.
    public var id: Int64
    /// When it was made.
    public var requestedAt: Date
    /// The directory user it is for (the host's bound user).
    public var requester: String
    /// The host it came from, if it came from one.
    public var host: UUID?
    /// The rule: pack and rule id.
    public var pack: String
    public var rule: String
    /// The repository slug.
    public var repo: String
    /// Why the developer needs it.
    public var justification: String
    /// How long the exception lasts once approved.
    public var duration: TimeInterval
    /// Where it stands.
    public var status: Status
    /// Who decided, when, and why.
    public var decidedBy: String?
    public var decidedAt: Date?
    public var comment: String?
    /// The revision that published the exception, and when it ends.
    public var revision: Int64?
    public var validUntil: Date?

    /// Creates a request record.
    public init(
        id: Int64, requestedAt: Date, requester: String, host: UUID? = nil, pack: String, rule: String, repo: String,
        justification: String, duration: TimeInterval, status: Status = .pending, decidedBy: String? = nil,
        decidedAt: Date? = nil, comment: String? = nil, revision: Int64? = nil, validUntil: Date? = nil
    ) {
        self.id = id
        self.requestedAt = requestedAt
        self.requester = requester
        self.host = host
        self.pack = pack
        self.rule = rule
        self.repo = repo
        self.justification = justification
        self.duration = duration
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.comment = comment
        self.revision = revision
        self.validUntil = validUntil
    }

    /// The id of the exception an approval publishes.
    public var adjustmentID: String { "exception-\(id)" }

    /// The exception an approval by `approver` at `moment` publishes: the rule at
    /// `observe` (matches are still recorded) for the requester in the repository.
    public func adjustment(approvedBy approver: String, at moment: Date) -> RuleAdjustment {
        RuleAdjustment(
            id: adjustmentID, kind: .exception, pack: pack, rule: rule, level: .observe, user: requester, repo: repo,
            validFrom: moment, validUntil: moment.addingTimeInterval(duration), actor: approver, request: id,
            reason: justification)
    }
}

/// The checks on an exception request, pure: what may be asked and who may decide.
public enum ExceptionRules {
    /// Justifications are 10 to 2,000 characters.
    public static let justificationLength = 10...2_000
    /// Exceptions last 5 minutes to 30 days.
    public static let durations: ClosedRange<TimeInterval> = 300...(30 * 86_400)

    /// Why a request cannot be made or decided.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownRule(pack: String, rule: String)
        case forbiddenByFloor(rule: String, risk: Rule.Risk)
        case justification(count: Int)
        case duration(TimeInterval)
        case repository(String)
        case notPending(id: Int64, status: ExceptionRequest.Status)
        case ownRequest(id: Int64)
        case notApprover(user: String, id: Int64)

        public var description: String {
            switch self {
            case .unknownRule(let pack, let rule):
                "no rule \(pack)/\(rule) in the current policy"
            case .forbiddenByFloor(let rule, let risk):
                "\(rule) is a \(risk.rawValue) risk rule and a floor forbids exceptions for that class"
            case .justification(let count):
                "a justification is \(justificationLength.lowerBound) to \(justificationLength.upperBound) characters (got \(count))"
            case .duration(let seconds):
                "an exception lasts 5 minutes to 30 days (asked \(Int(seconds)) s)"
            case .repository(let repo):
                "'\(repo)' is not a repository slug (owner/name)"
            case .notPending(let id, let status):
                "request \(id) is \(status.rawValue), not pending"
            case .ownRequest(let id):
                "nobody approves or denies their own request (request \(id))"
            case .notApprover(let user, let id):
                "\(user) may not decide request \(id): approvers are the owners of the requester's groups and the approver group"
            }
        }
    }

    /// Splits a rule reference as the hook's message writes it, `PACK/RULE-ID`; nil when
    /// either part is missing.
    public static func ruleReference(_ text: String) -> (pack: String, rule: String)? {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (parts[0], parts[1])
    }

    /// Checks a new request against the current policy; returns the rule asked about.
    public static func check(
        pack: String, rule: String, repo: String, justification: String, duration: TimeInterval,
        policy: PolicyBundle
    ) throws(Refusal) -> Rule {
        let count = justification.trimmingCharacters(in: .whitespacesAndNewlines).count
        guard justificationLength.contains(count) else { throw .justification(count: count) }
        guard durations.contains(duration) else { throw .duration(duration) }
        guard RepositorySlug.isValid(repo) else { throw .repository(repo) }
        let versions = policy.packs.filter { $0.pack == pack }
        guard let found = versions.lazy.flatMap(\.rules).first(where: { $0.id == rule }) else {
            throw .unknownRule(pack: pack, rule: rule)
        }
        let floors = policy.floors + versions.flatMap(\.floors)
        if floors.contains(where: { $0.risk == found.risk && $0.exceptions == .forbidden }) {
            throw .forbiddenByFloor(rule: "\(pack)/\(rule)", risk: found.risk)
        }
        return found
    }

    /// Checks that `user` may decide a request, given who its approvers are.
    public static func checkDecider(_ user: String, of request: ExceptionRequest, approvers: Set<String>)
        throws(Refusal)
    {
        guard request.status == .pending else { throw .notPending(id: request.id, status: request.status) }
        let decider = DecisionContext.normalize(user)
        guard decider != DecisionContext.normalize(request.requester) else { throw .ownRequest(id: request.id) }
        guard approvers.contains(decider) else { throw .notApprover(user: user, id: request.id) }
    }
}
