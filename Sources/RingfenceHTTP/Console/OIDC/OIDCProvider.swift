import AsyncHTTPClient
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import RingfenceCore
import RingfenceStore

/// The console's client of an OpenID Connect provider: discovery, the authorization
/// request (code flow, PKCE `S256`, `state`, `nonce`), the code exchange at the token
/// endpoint (client_secret_basic), and the ID token's signature checked with jwt-kit
/// against the provider's JWKS (fetched again when a token does not verify — the provider
/// may have rotated its keys — at most once a minute). Discovery and keys are cached;
/// nothing else is kept.
actor OIDCProvider {
    /// The discovery document's fields the sign-in uses (OpenID Connect Discovery 1.0 §3).
    struct Discovery: Decodable, Sendable {
        var issuer: String
        var authorizationEndpoint: String
        var tokenEndpoint: String
        var jwksURI: String
        var codeChallengeMethods: [String]?

        enum CodingKeys: String, CodingKey {
            case issuer
            case authorizationEndpoint = "authorization_endpoint"
            case tokenEndpoint = "token_endpoint"
            case jwksURI = "jwks_uri"
            case codeChallengeMethods = "code_challenge_methods_supported"
        }
    }

    /// Why a sign-in through the provider did not succeed (logged; the person is told
    /// only that it did not).
    enum Failure: Error, CustomStringConvertible {
        case unreachable(String)
        case refused(String)
        case invalidToken(String)
        case rejected(IDTokenRejection)

        var description: String {
            switch self {
            case .unreachable(let reason): "the provider could not be asked: \(reason)"
            case .refused(let reason): "the provider refused the code: \(reason)"
            case .invalidToken(let reason): "the ID token's signature or form is not valid: \(reason)"
            case .rejected(let rejection): "the ID token was refused: \(rejection)"
            }
        }
    }

    let settings: OIDCSettings
    let http: HTTPClient
    private var discovery: Discovery?
    private var keys: JWTKeyCollection?
    private var keysFetchedAt = Date.distantPast
    static let responseLimit = 1 << 20
    static let timeout = TimeAmount.seconds(10)

    init(settings: OIDCSettings, http: HTTPClient = .shared) {
        self.settings = settings
        self.http = http
    }

    /// Where to send the browser to sign in.
    func authorizationURL(state: String, nonce: String, pkce: PKCE) async throws -> String {
        let discovery = try await discovered()
        guard var components = URLComponents(string: discovery.authorizationEndpoint) else {
            throw Failure.unreachable("the authorization endpoint is not a URL")
        }
        let existing = components.queryItems ?? []
        components.queryItems =
            existing + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: settings.clientID),
                URLQueryItem(name: "redirect_uri", value: settings.redirectURL),
                URLQueryItem(name: "scope", value: settings.scopes.joined(separator: " ")),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: nonce),
                URLQueryItem(name: "code_challenge", value: pkce.challenge),
                URLQueryItem(name: "code_challenge_method", value: PKCE.method),
            ]
        // `+` is a space in form-encoded queries; URLComponents leaves it as is.
        let query = components.percentEncodedQuery ?? ""
        components.percentEncodedQuery = query.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.string else { throw Failure.unreachable("the authorization endpoint is not a URL") }
        return url
    }

    /// Redeems a code; returns the user name the verified ID token names.
    func username(code: String, flow: ConsoleSessionStore.OIDCFlow, now: Date = Date()) async throws -> String {
        let discovery = try await discovered()
        let form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURL),
            ("code_verifier", flow.verifier),
        ].map { "\($0.0)=\(Self.formEncoded($0.1))" }.joined(separator: "&")
        var request = HTTPClientRequest(url: discovery.tokenEndpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let credentials = "\(Self.formEncoded(settings.clientID)):\(Self.formEncoded(settings.clientSecret))"
        request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        request.body = .bytes(ByteBuffer(string: form))
        let (status, body) = try await send(request)
        struct TokenResponse: Decodable {
            var idToken: String?
            var error: String?
            enum CodingKeys: String, CodingKey {
                case idToken = "id_token"
                case error
            }
        }
        let answer = try? JSONDecoder().decode(TokenResponse.self, from: Data(body.readableBytesView))
        guard status == .ok, let token = answer?.idToken else {
            throw Failure.refused("HTTP \(status.code) \(answer?.error ?? "")")
        }
        let payload = try await verified(token)
        let check = IDTokenCheck(
            issuer: settings.issuer, clientID: settings.clientID, nonce: flow.nonce,
            usernameClaim: settings.usernameClaim, now: now)
        do {
            return try check.username(of: payload.claims(usernameClaim: settings.usernameClaim))
        } catch {
            throw Failure.rejected(error)
        }
    }

    /// The token's payload once its signature holds against the provider's keys. When it
    /// does not, the keys are fetched again and tried once more — the provider may have
    /// rotated them — at most every `keysRefetchSeconds`.
    private func verified(_ token: String) async throws -> IDTokenPayload {
        let keys: JWTKeyCollection
        if let cached = self.keys { keys = cached } else { keys = try await fetchKeys() }
        do {
            return try await keys.verify(token, as: IDTokenPayload.self)
        } catch {
            guard Date().timeIntervalSince(keysFetchedAt) >= TimeInterval(settings.keysRefetchSeconds) else {
                throw Failure.invalidToken("\(error)")
            }
            do {
                return try await fetchKeys().verify(token, as: IDTokenPayload.self)
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure.invalidToken("\(error)")
            }
        }
    }

    private func fetchKeys() async throws -> JWTKeyCollection {
        let discovery = try await discovered()
        let (status, body) = try await send(HTTPClientRequest(url: discovery.jwksURI))
        guard status == .ok else { throw Failure.unreachable("the JWKS answered HTTP \(status.code)") }
        let collection = JWTKeyCollection()
        do {
            try await collection.add(jwksJSON: String(buffer: body))
        } catch {
            throw Failure.unreachable("the JWKS could not be read: \(error)")
        }
        keys = collection
        keysFetchedAt = Date()
        return collection
    }

    private func discovered() async throws -> Discovery {
        if let discovery { return discovery }
        let url = settings.issuer.hasSuffix("/") ? settings.issuer : settings.issuer + "/"
        let (status, body) = try await send(HTTPClientRequest(url: url + ".well-known/openid-configuration"))
        guard status == .ok,
            let document = try? JSONDecoder().decode(Discovery.self, from: Data(body.readableBytesView))
        else {
            throw Failure.unreachable("its discovery document answered HTTP \(status.code)")
        }
        // OpenID Connect Discovery 1.0 §4.3: the issuer in the document is the one asked.
        guard document.issuer == settings.issuer else {
            throw Failure.unreachable("its discovery document names the issuer \(document.issuer)")
        }
        if let methods = document.codeChallengeMethods, !methods.contains(PKCE.method) {
            throw Failure.unreachable("it does not support PKCE \(PKCE.method)")
        }
        discovery = document
        return document
    }

    private func send(_ request: HTTPClientRequest) async throws -> (HTTPResponseStatus, ByteBuffer) {
        do {
            let response = try await http.execute(request, timeout: Self.timeout)
            return (response.status, try await response.body.collect(upTo: Self.responseLimit))
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.unreachable("\(error)")
        }
    }

    /// `application/x-www-form-urlencoded` of one value (RFC 6749 Appendix B).
    static func formEncoded(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
