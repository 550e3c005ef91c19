import Foundation
import RingfenceCore
import RingfenceDirectory
import RingfenceExport
import RingfenceFiles
import RingfenceHTTP
import RingfenceReports
import RingfenceSCIM
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import ringfence

@Suite("ConfigurationFile")
struct ConfigurationFileTests {
    static let example = TestServers.repositoryRoot.appendingPathComponent("examples/ringfence.yaml").path

    /// The problems of `yaml` as located lines; fails the test when it is accepted.
    static func problems(
        _ yaml: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) -> [String] {
        do {
            _ = try ConfigurationFile.parse(yaml, file: "ringfence.yaml", environment: environment)
            Issue.record("accepted \(yaml)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test("the example configuration loads, and the environment overrides it")
    func example() throws {
        let plain = try ConfigurationFile.load(path: Self.example, environment: [:])
        #expect(plain.database?.port == 5432)
        #expect(plain.directory?.roleGroups == ["platform-admins": "admin"])
        #expect(plain.eventsWeeks == 26)
        #expect(plain.rollupWeeks == 104)
        let overridden = try ConfigurationFile.load(
            path: Self.example,
            environment: [
                "RINGFENCE_DATABASE_URL": "postgres://rf@127.0.0.1:6543/other",
                "RINGFENCE_LDAP_URL": "ldap://127.0.0.1:3389/",
                "RINGFENCE_LISTEN": "127.0.0.1:7999",
            ])
        #expect(overridden.database?.port == 6543)
        #expect(overridden.directory?.url == "ldap://127.0.0.1:3389/")
        #expect(overridden.server.port == 7999)
    }

    @Test("unknown sections and keys are located, with a suggestion")
    func unknown() {
        #expect(
            Self.problems("databse:\n  url: postgres://a@b/c\n") == [
                "ringfence.yaml:1 databse: unknown key 'databse'; did you mean 'database'? (allowed: database, directory, retention, server, reports, scim, exceptions, rollout, exports, admin)"
            ])
        #expect(
            Self.problems("database:\n  uri: postgres://a@b/c\n") == [
                "ringfence.yaml:2 database.uri: unknown key 'uri'; did you mean 'url'? (allowed: url)"
            ])
        #expect(
            Self.problems("retention:\n  eventsWeeks: 0\n") == [
                "ringfence.yaml:2 retention.eventsWeeks: 0 is out of range 1...520"
            ])
        #expect(
            Self.problems("retention:\n  eventsWeeks: 26\n  rollupWeeks: 13\n") == [
                "ringfence.yaml:3 retention.rollupWeeks: 13 is less than retention.eventsWeeks (26); rollups must outlive raw events"
            ])
        #expect(
            Self.problems("retention:\n  rollupWeeks: 2000\n") == [
                "ringfence.yaml:2 retention.rollupWeeks: 2000 is out of range 1...1040"
            ])
    }

    @Test("a list where one text is expected reads like a policy-file error, not a decoder's")
    func memberAttributeList() {
        let yaml = """
            directory:
              url: ldap://127.0.0.1:389/
              bindDN: cn=sync,dc=example,dc=com
              baseDN: dc=example,dc=com
              groups:
                nameAttribute: [cn, uid]
            """
        #expect(Self.problems(yaml) == ["ringfence.yaml:6 directory.groups.nameAttribute: expected a text value"])
    }

    @Test("every problem of the file at once, in line order, from every section")
    func allAtOnce() {
        let yaml = """
            database:
              url: mysql://nope
            directory:
              url: ldap://x/
              pageSize: lots
              users: { filter: objectClass=person }
            server:
              listen: nowhere
              heartbeatSeconds: 0
            reports:
              hour: 25
            """
        #expect(
            Self.problems(yaml) == [
                "ringfence.yaml:2 database.url: expected postgres://user@host:port/database, got 'mysql://nope'",
                "ringfence.yaml:4 directory.bindDN: required",
                "ringfence.yaml:4 directory.groups.baseDN: required (or baseDN)",
                "ringfence.yaml:4 directory.users.baseDN: required (or baseDN)",
                "ringfence.yaml:5 directory.pageSize: expected a whole number, got 'lots'",
                "ringfence.yaml:6 directory.users.filter: an LDAP filter must be enclosed in parentheses, got 'objectClass=person'",
                "ringfence.yaml:8 server.listen: expected host:port, got 'nowhere'",
                "ringfence.yaml:9 server.heartbeatSeconds: at least 1",
                "ringfence.yaml:11 reports.hour: 25 is out of range 0...23",
                "ringfence.yaml:11 reports.out: missing required key 'out' (the folder to write reports into)",
            ])
    }

    @Test("RINGFENCE_LDAP_URL points a configured directory elsewhere; without a directory section it turns nothing on")
    func ldapOverride() throws {
        let plain = try ConfigurationFile.parse(
            "", file: "f", environment: ["RINGFENCE_LDAP_URL": "ldap://127.0.0.1:389/"])
        #expect(plain.directory == nil)
        let database = try ConfigurationFile.parse(
            "", file: "f", environment: ["RINGFENCE_DATABASE_URL": "postgres://a@127.0.0.1/b"])
        #expect(database.database?.database == "b")
    }

    @Test("exceptions: approver group (or RINGFENCE_APPROVER_GROUP) and mail; mistakes located")
    func exceptions() throws {
        let file = try ConfigurationFile.parse(
            """
            exceptions:
              approverGroup: secops
              mail: { smtp: "127.0.0.1:2525", from: ringfence@example.com }
            """, file: "f", environment: [:])
        #expect(file.exceptions?.approverGroup == "secops")
        #expect(file.exceptions?.delivery?.from == "ringfence@example.com")
        #expect(file.exceptions?.delivery?.smtp.port == 2525)
        let overridden = try ConfigurationFile.parse(
            "exceptions: { approverGroup: secops }", file: "f", environment: ["RINGFENCE_APPROVER_GROUP": "appsec"])
        #expect(overridden.exceptions?.approverGroup == "appsec" && overridden.exceptions?.delivery == nil)
        #expect(
            Self.problems("exceptions:\n  approvers: secops\n  mail: { from: nobody }\n") == [
                "ringfence.yaml:2 exceptions.approvers: unknown key 'approvers' (allowed: approverGroup, mail)",
                "ringfence.yaml:3 exceptions.mail.from: 'nobody' is not a plain local@domain address",
            ])
    }

    @Test(
        "rollout: round interval (or RINGFENCE_ROLLOUT_INTERVAL) and mail; defaults without the section; mistakes located"
    )
    func rollout() throws {
        #expect(try ConfigurationFile.parse("", file: "f", environment: [:]).rollout.intervalSeconds == 300)
        let file = try ConfigurationFile.parse(
            """
            rollout:
              intervalSeconds: 60
              mail: { smtp: "127.0.0.1:2525", from: ringfence@example.com }
            """, file: "f", environment: [:])
        #expect(file.rollout.intervalSeconds == 60 && file.rollout.delivery?.smtp.port == 2525)
        let overridden = try ConfigurationFile.parse(
            "rollout: { intervalSeconds: 60 }", file: "f", environment: ["RINGFENCE_ROLLOUT_INTERVAL": "1"])
        #expect(overridden.rollout.intervalSeconds == 1 && overridden.rollout.delivery == nil)
        #expect(
            Self.problems("rollout:\n  intervalSeconds: 0\n  every: 5\n") == [
                "ringfence.yaml:2 rollout.intervalSeconds: 0 is out of range 1...86400",
                "ringfence.yaml:3 rollout.every: unknown key 'every' (allowed: intervalSeconds, mail)",
            ])
    }

    @Test("exports: sinks with their kinds, the HEC token from the environment; mistakes located")
    func exports() throws {
        let file = try ConfigurationFile.parse(
            """
            exports:
              batchSize: 200
              sinks:
                - { name: otel, kind: otlp, url: "http://127.0.0.1:4318/v1/logs", start: beginning }
                - name: splunk
                  kind: hec
                  url: https://splunk.example.com:8088/services/collector/event
                  tokenEnv: HEC_TOKEN
                  format: ocsf
                  index: security
            """, file: "f", environment: ["HEC_TOKEN": "s3cret"])
        let exports = try #require(file.exports)
        #expect(exports.batchSize == 200 && exports.sinks.map(\.name) == ["otel", "splunk"])
        #expect(exports.sinks[0].kind == .otlp && exports.sinks[0].fromBeginning)
        #expect(exports.sinks[1].kind == .hec(token: "s3cret", format: .ocsf, index: "security"))
        #expect(!exports.sinks[1].fromBeginning)
        #expect(
            Self.problems(
                """
                exports:
                  sinks:
                    - { name: a, kind: kafka, url: "http://x" }
                    - { name: b, kind: hec, url: "http://x", tokenEnv: NOT_SET }
                    - { name: c, kind: otlp, url: "ftp://x" }
                    - { name: c, kind: otlp, url: "http://x", start: yesterday }
                """) == [
                    "ringfence.yaml:3 exports.sinks[0].kind: expected otlp or hec",
                    "ringfence.yaml:4 exports.sinks[1].tokenEnv: the environment variable NOT_SET is not set",
                    "ringfence.yaml:5 exports.sinks[2].url: expected an http:// or https:// URL, got 'ftp://x'",
                    "ringfence.yaml:6 exports.sinks[3].start: expected 'beginning' or 'now'",
                ])
    }

    @Test("listeners: scim with its burst guard, admin with its defaults and RINGFENCE_ADMIN_LISTEN; mistakes located")
    func listeners() throws {
        let file = try ConfigurationFile.parse(
            """
            scim:
              listen: 127.0.0.1:9443
              rateLimit: { perSecond: 10, burst: 20 }
              burstGuard: { maxCount: 1000000, maxShare: 0.5, minimum: 7, windowMinutes: 5 }
            admin:
              listen: 0.0.0.0:9444
              tokenCacheSeconds: 1
              console:
                roles: { admin: [platform-admins], viewer: [auditors, security] }
                idleMinutes: 15
            """, file: "ringfence.yaml", environment: [:])
        let scim = try #require(file.scim)
        #expect(scim.listener.port == 9443 && scim.ratePerSecond == 10 && scim.burst == 20)
        #expect(scim.burstGuard == .init(maxCount: 1_000_000, maxShare: 0.5, minimum: 7, windowSeconds: 300))
        let admin = try #require(file.admin)
        #expect(admin.listener == HTTPListener(host: "0.0.0.0", port: 9444))
        #expect(admin.ratePerSecond == 50 && admin.burst == 100 && admin.tokenCacheSeconds == 1)
        let console = try #require(admin.console)
        #expect(console.roles.groups == [.admin: ["platform-admins"], .viewer: ["auditors", "security"]])
        #expect(console.idleMinutes == 15 && console.sessionHours == 8 && !console.secureCookies, "no TLS, no Secure")
        let fromEnvironment = try ConfigurationFile.parse(
            "database: { url: postgres://rf@127.0.0.1/rf }", file: "ringfence.yaml",
            environment: ["RINGFENCE_ADMIN_LISTEN": "127.0.0.1:7444"])
        #expect(fromEnvironment.admin?.listener.port == 7444)
        #expect(try ConfigurationFile.parse("{}", file: "ringfence.yaml", environment: [:]).admin == nil)
        #expect(
            Self.problems(
                """
                admin:
                  tls: { certificateFile: a.pem }
                  rateLimit: { perSecond: 0 }
                  console: { sessionHours: 0 }
                scim:
                  burstGuard: { maxShare: 2, windowMinutes: 0, since: 1 }
                """) == [
                    "ringfence.yaml:2 admin.tls: give both certificateFile and keyFile, or neither",
                    "ringfence.yaml:3 admin.rateLimit: perSecond must be > 0",
                    "ringfence.yaml:4 admin.console: give roles { admin, operator, viewer }: the directory groups whose members get each role",
                    "ringfence.yaml:4 admin.console.sessionHours: 0 is out of range 1...168",
                    "ringfence.yaml:6 scim.burstGuard.maxShare: 2 is out of range 0.0001...1",
                    "ringfence.yaml:6 scim.burstGuard.since: unknown key 'since' (allowed: maxCount, maxShare, minimum, windowMinutes)",
                    "ringfence.yaml:6 scim.burstGuard.windowMinutes: 0 is out of range 1...10080",
                ])
    }

    @Test("admin.console.oidc: the secret from the environment, https URLs but on loopback, located mistakes")
    func consoleOIDC() throws {
        let file = try ConfigurationFile.parse(
            """
            database: { url: postgres://rf@127.0.0.1/rf }
            admin:
              console:
                roles: { admin: [platform-admins] }
                oidc:
                  issuer: https://login.example.com
                  clientId: ringfence
                  clientSecretEnv: RF_OIDC_SECRET
                  redirectURL: https://ringfence.example.com/console/sign-in/oidc/callback
                  usernameClaim: email
                  label: Sign in with Example
            """, file: "ringfence.yaml", environment: ["RF_OIDC_SECRET": "s3cret"])
        let oidc = try #require(file.admin?.console?.oidc)
        #expect(oidc.issuer == "https://login.example.com" && oidc.clientID == "ringfence")
        #expect(oidc.clientSecret == "s3cret" && oidc.usernameClaim == "email" && oidc.label == "Sign in with Example")
        #expect(oidc.scopes == ["openid", "profile", "email"])
        #expect(!String(describing: oidc).contains("s3cret"), "the secret is never printed")
        #expect(
            Self.problems(
                """
                admin:
                  console:
                    roles: { admin: [a] }
                    oidc:
                      issuer: http://login.example.com
                      clientSecretEnv: RF_UNSET
                      redirectURL: https://x.example.com/callback
                      scopes: [profile]
                """) == [
                    "ringfence.yaml:5 admin.console.oidc.clientId: missing required key 'clientId' (the client id registered with the provider)",
                    "ringfence.yaml:5 admin.console.oidc.issuer: expected an https:// URL (http:// only on loopback), got 'http://login.example.com'",
                    "ringfence.yaml:6 admin.console.oidc.clientSecretEnv: the environment variable RF_UNSET is not set",
                    "ringfence.yaml:7 admin.console.oidc.redirectURL: the console's callback is …/console/sign-in/oidc/callback",
                    "ringfence.yaml:8 admin.console.oidc.scopes: the scopes must include openid",
                ])
    }

    @Test("a bad value from the environment is named by its variable")
    func environmentProblem() {
        #expect(
            Self.problems("", environment: ["RINGFENCE_LISTEN": "localhost"]) == [
                "$RINGFENCE_LISTEN server.listen: expected host:port, got 'localhost'"
            ])
    }

    @Test("a missing file and YAML syntax errors are located problems too")
    func unreadable() {
        #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.load(path: "/nonexistent/ringfence.yaml", environment: [:])
        }
        #expect(Self.problems("server: [unclosed\n").first?.hasPrefix("ringfence.yaml:") == true)
    }
}
