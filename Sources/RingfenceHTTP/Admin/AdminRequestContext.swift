import Hummingbird

/// The request context of the admin listener.
public struct AdminRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (the load balancer's, behind one), for sign-in rate limits.
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies larger than this are refused with 413: policy files for a publish fit.
    public var maxUploadSize: Int { AdminLimits.maxBodyBytes }
}

/// The admin listener's fixed limits.
public enum AdminLimits {
    /// The largest request body (8 MiB).
    public static let maxBodyBytes = 8 << 20
    /// The largest page.
    public static let maxPage = 500
}
