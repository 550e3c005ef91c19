import Hummingbird

/// The request context of the admin listener.
public struct AdminRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
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
