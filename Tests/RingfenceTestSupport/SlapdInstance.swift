import Foundation

/// A slapd of a test's own, started and stopped through scripts/lib/servers.sh, for tests
/// that must kill or restart the directory without disturbing other tests.
public final class SlapdInstance: @unchecked Sendable {
    /// Folder holding the instance's configuration, data and pid file.
    public let folder: URL
    /// Port it listens on (kept across restarts).
    public private(set) var port: Int = 0

    public var url: String { "ldap://127.0.0.1:\(port)/" }

    /// Starts slapd with an LDIF loaded offline (slapadd) and the given size limit.
    public init(ldif: String, sizeLimit: Int = 20) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rf-slapd-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("data.ldif")
        try ldif.write(to: file, atomically: true, encoding: .utf8)
        try start(ldif: file.path, sizeLimit: sizeLimit)
    }

    /// (Re)starts slapd on the same port and data.
    public func start(ldif: String? = nil, sizeLimit: Int = 20) throws {
        let script = """
            set -e
            source '\(TestServers.repositoryRoot.path)/scripts/lib/servers.sh'
            RF_SERVERS_DIR='\(folder.path)' RF_LDAP_PORT='\(port == 0 ? "" : String(port))' RF_LDAP_LDIF='\(ldif ?? "")' rf_start_slapd \(sizeLimit) >/dev/null 2>&1
            echo "$RINGFENCE_TEST_LDAP_URL"
            """
        // Prefix assignments to a bash function call do not outlive it; the exported URL does.
        let output = try Self.bash(script).trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.hasPrefix("ldap://127.0.0.1:"),
            let value = Int(output.dropFirst("ldap://127.0.0.1:".count).dropLast())
        else {
            throw TestServerError.notConfigured("slapd did not start: \(output)")
        }
        port = value
    }

    /// Kills slapd at once (SIGKILL), as a crash or a network cut would end it.
    public func kill() {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("slapd/slapd.pid"), encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// Applies LDIF change records as the rootdn (`cn=admin,dc=example,dc=com`, as servers.sh sets up).
    public func modify(_ ldif: String) throws {
        try LDAPTestDirectory.ldapmodify(
            url: url, adminDN: "cn=admin,dc=example,dc=com", password: "admin-secret", ldif: ldif)
    }

    /// Stops slapd and removes its folder.
    public func stop() {
        kill()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs a bash script and returns its output. Runs through `system()` with the script
    /// and its output in files: slapd daemonizes and would inherit a pipe's write end (a
    /// read would never see end-of-file), and Foundation's `Process.waitUntilExit` was seen
    /// to hang when called from a test's task.
    static func bash(_ script: String) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("rf-bash-\(UUID().uuidString)")
        let file = base.appendingPathExtension("sh")
        let log = base.appendingPathExtension("out")
        defer {
            try? FileManager.default.removeItem(at: file)
            try? FileManager.default.removeItem(at: log)
        }
        try script.write(to: file, atomically: true, encoding: .utf8)
        let status = system("bash '\(file.path)' > '\(log.path)' 2>&1 < /dev/null")
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard status != -1 else { throw TestServerError.notConfigured("could not run bash: \(output)") }
        return output
    }
}
