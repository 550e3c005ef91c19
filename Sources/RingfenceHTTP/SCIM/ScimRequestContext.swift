import Hummingbird

/// The request context of the SCIM listener: the provider the request's bearer token
/// belongs to, once `ScimAuthentication` checked it.
public struct ScimRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated provider; nil before authentication.
    public var provider: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        provider = nil
    }

    /// Bodies larger than this are refused (a group of 10,000 members fits).
    public var maxUploadSize: Int { ScimService.maxBodyBytes }
}
