import Foundation
import RingfenceCore

/// The console of the admin listener (`admin.console`, docs/console.md): who gets which
/// role, how long sessions last, how often a person may try to sign in, and how
/// passwords are checked (``PasswordCheck``: a bind to the directory, given by `serve`)
/// or which OpenID Connect provider signs people in.
public struct ConsoleSettings: Sendable, Equatable {
    /// Checks a DN's password; true when it is right. Throws when it cannot tell.
    public typealias PasswordCheck = @Sendable (_ dn: String, _ password: String) async throws -> Bool

    public var roles: ConsoleRoles
    /// A session ends after this long without a request…
    public var idleMinutes: Int
    /// …and this long after sign-in at the latest.
    public var sessionHours: Int
    /// Cookies only over HTTPS (on whenever the listener has TLS; off only for loopback tests).
    public var secureCookies: Bool
    /// Sign-in attempts per minute for one address and user name, and the burst above it.
    public var signInPerMinute: Double
    public var signInBurst: Double
    /// Sign-in through an OpenID Connect provider, beside or instead of directory passwords.
    public var oidc: OIDCSettings?

    public init(
        roles: ConsoleRoles, idleMinutes: Int = 30, sessionHours: Int = 8, secureCookies: Bool = true,
        signInPerMinute: Double = 5, signInBurst: Double = 5, oidc: OIDCSettings? = nil
    ) {
        self.oidc = oidc
        self.roles = roles
        self.idleMinutes = idleMinutes
        self.sessionHours = sessionHours
        self.secureCookies = secureCookies
        self.signInPerMinute = signInPerMinute
        self.signInBurst = signInBurst
    }
}
