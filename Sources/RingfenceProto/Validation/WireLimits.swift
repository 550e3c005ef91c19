/// The size limits of every text and list field agents send, in UTF-8 bytes or entries.
///
/// Each limit is listed in docs/protocol.md ("Limits") and tested one by one. They keep a
/// hostile or broken agent from storing megabytes in one field (the whole request is
/// limited separately by `server.maxMessageBytes`). Generous for real values: a host name
/// is at most 253 bytes (RFC 1035), a URL rarely passes 2,000.
public enum WireLimits {
    // Identity and inventory texts.
    public static let machineID = 256
    public static let hostname = 256
    public static let os = 64
    public static let osVersion = 128
    public static let arch = 32
    public static let installerVersion = 64
    public static let provider = 128
    public static let userName = 256
    public static let agentKind = 64
    public static let agentVersion = 128
    public static let hookVersion = 128
    /// A digest in hex (SHA-256 is 64 characters), with room for a prefix.
    public static let digest = 128
    public static let managedFileName = 256
    public static let mcpServerName = 256
    public static let mcpTransport = 32
    public static let mcpEndpoint = 2_048
    public static let mcpScope = 32
    public static let repoSlug = 512
    public static let remoteURL = 2_048

    // Inventory lists.
    public static let users = 256
    public static let agents = 64
    public static let managedFilesPerAgent = 64
    /// Managed sources taking precedence, per agent.
    public static let precedenceSources = 8
    /// One such source's path.
    public static let precedenceSource = 1_024
    public static let mcpServers = 1_024
    public static let repos = 4_096

    // Policy requests.
    public static let surfaces = 64
    /// Repositories resolved in one FetchPolicy besides the context's.
    public static let repositoriesPerFetch = 256

    // Exception requests.
    /// `PACK/RULE-ID`.
    public static let ruleReference = 256
    /// Bytes of a justification (Core allows 2,000 characters).
    public static let justification = 8_192

    // Audit events.
    public static let eventID = 128
    public static let eventName = 256
    public static let eventSummary = 1_024
    /// Rejections listed in one ReportEvents answer (all are counted).
    public static let rejectionsListed = 100
}
