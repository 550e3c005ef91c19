import CLDAP

/// Checks a person's directory password by a simple bind as their DN on a connection of
/// its own (console sign-in). The password goes to libldap and nowhere else. An empty
/// password is refused before any bind: LDAP treats a simple bind without one as an
/// unauthenticated bind that succeeds (RFC 4513, section 5.1.2).
public struct LDAPPasswordCheck: Sendable {
    let options: LDAPConnectionOptions

    public init(options: LDAPConnectionOptions) {
        self.options = options
    }

    /// Whether `password` is the password of `dn`; throws when the directory cannot answer.
    public func verify(dn: String, password: String) async throws -> Bool {
        guard !password.isEmpty, !dn.isEmpty else { return false }
        let connection = try await LDAPConnection.open(options)
        do {
            try await connection.bind(dn: dn, password: password)
            await connection.close()
            return true
        } catch let error as LDAPError where error.code == LDAP_INVALID_CREDENTIALS {
            await connection.close()
            return false
        } catch {
            await connection.close()
            throw error
        }
    }
}
