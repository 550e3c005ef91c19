import RingfenceCore

extension Level {
    /// The wire form of a level.
    public var proto: Ringfence_V1_Level {
        switch self {
        case .off: .off
        case .observe: .observe
        case .warn: .warn
        case .block: .block
        }
    }

    /// A level from the wire; nil for unspecified or unknown values.
    public init?(proto: Ringfence_V1_Level) {
        switch proto {
        case .off: self = .off
        case .observe: self = .observe
        case .warn: self = .warn
        case .block: self = .block
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension Verdict {
    /// The wire form of a verdict.
    public var proto: Ringfence_V1_Verdict {
        switch self {
        case .pass: .pass
        case .warn: .warn
        case .block: .block
        case .warnCandidate: .warnCandidate
        case .blockCandidate: .blockCandidate
        }
    }

    /// A verdict from the wire; nil for unspecified or unknown values.
    public init?(proto: Ringfence_V1_Verdict) {
        switch proto {
        case .pass: self = .pass
        case .warn: self = .warn
        case .block: self = .block
        case .warnCandidate: self = .warnCandidate
        case .blockCandidate: self = .blockCandidate
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension RepoTrust {
    /// The wire form of a trust.
    public var proto: Ringfence_V1_RepoTrust {
        switch self {
        case .sandbox: .sandbox
        case .internal: .internal
        case .production: .production
        case .unmanaged: .unmanaged
        }
    }

    /// A trust from the wire; nil for unspecified or unknown values.
    public init?(proto: Ringfence_V1_RepoTrust) {
        switch proto {
        case .sandbox: self = .sandbox
        case .internal: self = .internal
        case .production: self = .production
        case .unmanaged: self = .unmanaged
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
