/// Console sign-in through an OpenID Connect provider (`admin.console.oidc`,
/// docs/console.md): the authorization code flow with PKCE, ID tokens checked with
/// jwt-kit against the provider's published keys. The person is the directory user whose
/// name is the token's `usernameClaim`; their role comes from their groups as with a
/// password sign-in.
public struct OIDCSettings: Sendable, Equatable, CustomStringConvertible {
    /// The issuer identifier; its discovery document is `ISSUER/.well-known/openid-configuration`.
    public var issuer: String
    public var clientID: String
    /// The client secret (read from the environment variable the configuration names).
    public var clientSecret: String
    /// Where the provider sends the browser back: `https://HOST/console/sign-in/oidc/callback`,
    /// registered with the provider as is.
    public var redirectURL: String
    public var scopes: [String]
    /// The ID token claim holding the directory user name.
    public var usernameClaim: String
    /// The sign-in button's text.
    public var label: String
    /// How often at most the provider's keys are fetched again for a token that does not
    /// verify with the cached ones (key rotation).
    public var keysRefetchSeconds: Int = 60

    public init(
        issuer: String, clientID: String, clientSecret: String, redirectURL: String,
        scopes: [String] = ["openid", "profile", "email"], usernameClaim: String = "preferred_username",
        label: String = "Sign in with single sign-on"
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURL = redirectURL
        self.scopes = scopes
        self.usernameClaim = usernameClaim
        self.label = label
    }

    /// Everything but the secret.
    public var description: String {
        "OIDCSettings(issuer: \(issuer), clientID: \(clientID), redirectURL: \(redirectURL), scopes: \(scopes), usernameClaim: \(usernameClaim))"
    }
}
