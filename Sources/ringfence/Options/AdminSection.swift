import Foundation
import RingfenceCore
import RingfenceFiles
import RingfenceHTTP

/// Reads the `admin:` section of the configuration file — the admin API listener of
/// `serve` (keys in docs/configuration.md and docs/admin-api.md) — with the strict reader.
/// No section: no admin listener.
enum AdminSection {
    static func read(_ value: YAMLValue, environment: [String: String]) -> AdminServer.Configuration? {
        guard let fields = value.mapping(allowed: ListenerFields.keys + ["console"]) else { return nil }
        var configuration = AdminServer.Configuration()
        ListenerFields.read(fields, into: &configuration)
        if let console = fields["console"] {
            configuration.console = Self.console(
                console, tls: configuration.listener.tlsCertificateFile != nil, environment: environment)
        }
        return configuration
    }

    /// `admin.console`: `roles { admin, operator, viewer }` (directory groups), `idleMinutes`,
    /// `sessionHours`, `secureCookies` (default: whether the listener has TLS),
    /// `signInRateLimit { perMinute, burst }`, `oidc { … }`.
    static func console(_ value: YAMLValue, tls: Bool, environment: [String: String]) -> ConsoleSettings? {
        guard
            let fields = value.mapping(allowed: [
                "roles", "idleMinutes", "sessionHours", "secureCookies", "signInRateLimit", "oidc",
            ])
        else { return nil }
        var settings = ConsoleSettings(roles: ConsoleRoles(), secureCookies: tls)
        if let roles = fields["roles"]?.mapping(allowed: ["admin", "operator", "viewer"]) {
            for (name, groups) in roles {
                guard let role = AdminRole(rawValue: name) else { continue }
                settings.roles.groups[role] = groups.list { $0.nonEmptyString() }
            }
        } else if fields["roles"] == nil {
            value.fail("give roles { admin, operator, viewer }: the directory groups whose members get each role")
        }
        if let minutes = fields["idleMinutes"]?.int(in: 1...1_440) { settings.idleMinutes = minutes }
        if let hours = fields["sessionHours"]?.int(in: 1...168) { settings.sessionHours = hours }
        if let secure = fields["secureCookies"]?.bool() { settings.secureCookies = secure }
        if let limit = fields["signInRateLimit"]?.mapping(allowed: ["perMinute", "burst"]) {
            if let rate = limit["perMinute"]?.double(in: 0.1...10_000) { settings.signInPerMinute = rate }
            if let burst = limit["burst"]?.double(in: 1...10_000) { settings.signInBurst = burst }
        }
        if let oidc = fields["oidc"] { settings.oidc = Self.oidc(oidc, environment: environment) }
        return settings
    }

    /// `admin.console.oidc`: `issuer`, `clientId`, `clientSecretEnv` (the environment
    /// variable holding the secret, never the file), `redirectURL`, `scopes`,
    /// `usernameClaim`, `label`. URLs must be https but on loopback.
    static func oidc(_ value: YAMLValue, environment: [String: String]) -> OIDCSettings? {
        guard
            let fields = value.mapping(allowed: [
                "issuer", "clientId", "clientSecretEnv", "redirectURL", "scopes", "usernameClaim", "label",
            ])
        else { return nil }
        func url(_ key: String, _ hint: String) -> String? {
            guard let text = fields[key]?.nonEmptyString() else {
                if fields[key] == nil { value.missing(key, hint) }
                return nil
            }
            guard let parsed = URLComponents(string: text), let host = parsed.host, !host.isEmpty,
                parsed.scheme == "https"
                    || (parsed.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(host))
            else {
                fields[key]?.fail("expected an https:// URL (http:// only on loopback), got '\(text)'")
                return nil
            }
            return text
        }
        let issuer = url("issuer", "the provider's issuer identifier, e.g. https://login.example.com")
        let redirect = url("redirectURL", "https://CONSOLE-HOST/console/sign-in/oidc/callback, as registered")
        if let redirect, !redirect.hasSuffix("/console/sign-in/oidc/callback") {
            fields["redirectURL"]?.fail("the console's callback is …/console/sign-in/oidc/callback")
        }
        let clientID = fields["clientId"]?.nonEmptyString()
        if fields["clientId"] == nil { value.missing("clientId", "the client id registered with the provider") }
        var secret: String?
        if let variable = fields["clientSecretEnv"]?.nonEmptyString() {
            secret = environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            if secret == nil { fields["clientSecretEnv"]?.fail("the environment variable \(variable) is not set") }
        } else if fields["clientSecretEnv"] == nil {
            value.missing("clientSecretEnv", "the environment variable holding the client secret")
        }
        var scopes: [String]?
        if let given = fields["scopes"] {
            let list = given.list { $0.nonEmptyString() }
            if list.contains("openid") { scopes = list } else { given.fail("the scopes must include openid") }
        }
        guard let issuer, let redirect, let clientID, let secret else { return nil }
        var settings = OIDCSettings(issuer: issuer, clientID: clientID, clientSecret: secret, redirectURL: redirect)
        if let scopes { settings.scopes = scopes }
        if let claim = fields["usernameClaim"]?.nonEmptyString() { settings.usernameClaim = claim }
        if let label = fields["label"]?.nonEmptyString() { settings.label = label }
        return settings
    }
}
