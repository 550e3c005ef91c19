/// How an incremental run finds what changed since the last one, and where the next one
/// starts: by `modifyTimestamp` (OpenLDAP), or by update sequence numbers (Active
/// Directory: users with `uSNChanged` above the last run's `highestCommittedUSN`, and
/// deleted users from the Deleted Objects container).
///
/// USNs are numbered by each domain controller on its own, so a USN watermark names its
/// server (`usn:<number>:<dsServiceName>`); against another server the run is full.
struct ChangeTracker: Sendable {
    let tracking: DirectoryConfiguration.ChangeTracking
    /// Where the last run stopped, when usable here: a generalized time, or a USN.
    let since: String?
    /// USN tracking: the server's `highestCommittedUSN` when this run began, its identity
    /// and its domain's naming context.
    var highestUSN: Int64?
    var server: String?
    var namingContext: String?

    /// Reads what the tracking needs from the root DSE.
    static func start(configuration: DirectoryConfiguration, connection: LDAPConnection, previous: String?)
        async throws -> ChangeTracker
    {
        switch configuration.changeTracking {
        case .modifyTimestamp:
            return ChangeTracker(tracking: .modifyTimestamp, since: previous)
        case .usn:
            let root = try await connection.rootDSE(["highestCommittedUSN", "dsServiceName", "defaultNamingContext"])
            guard let usn = root?.string("highestCommittedUSN").flatMap({ Int64($0) }) else {
                throw LDAPError(
                    operation: "read highestCommittedUSN",
                    message:
                        "the server's root DSE has no highestCommittedUSN: it is not Active Directory; set directory.changeTracking: modify-timestamp"
                )
            }
            let server = root?.string("dsServiceName") ?? ""
            return ChangeTracker(
                tracking: .usn, previous: previous, highestUSN: usn, server: server,
                namingContext: root?.string("defaultNamingContext"))
        }
    }

    init(tracking: DirectoryConfiguration.ChangeTracking, since: String?) {
        self.tracking = tracking
        self.since = since
    }

    /// USN tracking: `since` is the previous watermark's number when it came from `server`.
    init(
        tracking: DirectoryConfiguration.ChangeTracking, previous: String?, highestUSN: Int64, server: String,
        namingContext: String?
    ) {
        self.tracking = tracking
        self.highestUSN = highestUSN
        self.server = server
        self.namingContext = namingContext
        if let watermark = previous.flatMap(Self.usnWatermark), watermark.server == server {
            since = String(watermark.usn)
        } else {
            since = nil
        }
    }

    /// The filter of users changed since the last run.
    var changedFilter: String? {
        guard let since else { return nil }
        switch tracking {
        case .modifyTimestamp: return LDAPFilter.greaterOrEqual("modifyTimestamp", since)
        case .usn: return Int64(since).map { LDAPFilter.greaterOrEqual("uSNChanged", String($0 + 1)) }
        }
    }

    /// Where to look for users deleted since the last run (USN tracking only).
    func deletedSearch() -> (base: String, filter: String)? {
        guard tracking == .usn, let since = since.flatMap({ Int64($0) }), let namingContext else { return nil }
        return (
            "CN=Deleted Objects,\(namingContext)",
            // Tombstones keep objectClass but lose objectCategory; objects that were not
            // synced users match no external id and are ignored.
            LDAPFilter.and([
                "(isDeleted=TRUE)", "(objectClass=user)", LDAPFilter.greaterOrEqual("uSNChanged", String(since + 1)),
            ])
        )
    }

    /// The next run's starting point.
    func watermark(after data: DirectoryData, previous: String?) -> String? {
        switch tracking {
        case .modifyTimestamp:
            let newest = data.users.compactMap(\.changeMark).max()
            return [newest, previous].compactMap { $0 }.max()
        case .usn:
            return highestUSN.map { "usn:\($0):\(server ?? "")" }
        }
    }

    /// Reads `usn:<number>:<server>`.
    static func usnWatermark(_ text: String) -> (usn: Int64, server: String)? {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "usn", let usn = Int64(parts[1]) else { return nil }
        return (usn, String(parts[2]))
    }
}
