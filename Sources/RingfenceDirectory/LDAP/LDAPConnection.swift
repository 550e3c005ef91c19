import CLDAP
import Dispatch
import Foundation

/// How to reach an LDAP server.
public struct LDAPConnectionOptions: Sendable, Equatable {
    /// How to protect the connection.
    public enum Security: String, Sendable, Equatable, Codable, CaseIterable {
        /// Plain `ldap://` (loopback and tests only).
        case none
        /// `ldap://` upgraded with the StartTLS extended operation.
        case startTLS = "starttls"
        /// `ldaps://` (TLS from the first byte).
        case ldaps
    }

    /// `ldap://host:port/` or `ldaps://host:port/`.
    public var url: String
    /// Transport security.
    public var security: Security
    /// PEM file of the CA that signed the server's certificate; the system store when nil.
    public var caFile: String?
    /// Time allowed to open the TCP connection.
    public var connectTimeout: Duration
    /// Time allowed for each operation (bind, each page of a search).
    public var operationTimeout: Duration

    /// Creates options; security defaults from the URL scheme.
    public init(
        url: String, security: Security? = nil, caFile: String? = nil,
        connectTimeout: Duration = .seconds(10), operationTimeout: Duration = .seconds(60)
    ) {
        self.url = url
        self.security = security ?? (url.lowercased().hasPrefix("ldaps://") ? .ldaps : .none)
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
    }
}

/// One connection to an LDAP server over OpenLDAP's libldap.
///
/// libldap keeps per-connection state (bind, last error, paged-search cookie) in its
/// `LDAP*` handle, and its synchronous calls block. So each connection owns a serial
/// dispatch queue: the handle is only ever touched on that queue, one call at a time,
/// and the blocking calls never run on Swift's cooperative thread pool. Every page of a
/// paged search runs on the same handle.
///
/// ```swift
/// let connection = try await LDAPConnection.open(LDAPConnectionOptions(url: "ldap://127.0.0.1:3890/"))
/// try await connection.bind(dn: "cn=sync,ou=services,dc=example,dc=com", password: secret)
/// let people = try await connection.search(base: "ou=people,dc=example,dc=com", filter: "(objectClass=inetOrgPerson)",
///                                          attributes: ["uid", "mail"])
/// ```
public final class LDAPConnection: @unchecked Sendable {
    // @unchecked: `handle` is confined to `queue` (see the type's documentation).
    private let handle: OpaquePointer
    private let queue: DispatchQueue
    private let options: LDAPConnectionOptions
    private var closed = false

    private init(handle: OpaquePointer, queue: DispatchQueue, options: LDAPConnectionOptions) {
        self.handle = handle
        self.queue = queue
        self.options = options
    }

    deinit {
        if !closed { ldap_unbind_ext_s(handle, nil, nil) }
    }

    /// Opens a connection (and runs StartTLS when asked). No bind yet.
    public static func open(_ options: LDAPConnectionOptions) async throws -> LDAPConnection {
        let queue = DispatchQueue(label: "ringfence.ldap.connection")
        return try await run(on: queue) {
            var handle: OpaquePointer?
            var code = ldap_initialize(&handle, options.url)
            guard code == LDAP_SUCCESS, let handle else {
                throw LDAPError(operation: "connect to \(options.url)", code: code)
            }
            var version = LDAP_VERSION3
            ldap_set_option(handle, LDAP_OPT_PROTOCOL_VERSION, &version)
            // LDAP_OPT_OFF: never chase referrals with our credentials.
            ldap_set_option(handle, LDAP_OPT_REFERRALS, nil)
            var network = timeval(options.connectTimeout)
            ldap_set_option(handle, LDAP_OPT_NETWORK_TIMEOUT, &network)
            var operation = timeval(options.operationTimeout)
            ldap_set_option(handle, LDAP_OPT_TIMEOUT, &operation)
            if options.security != .none {
                var demand = LDAP_OPT_X_TLS_DEMAND
                ldap_set_option(handle, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)
                if let caFile = options.caFile {
                    code = ldap_set_option(handle, LDAP_OPT_X_TLS_CACERTFILE, caFile)
                    guard code == LDAP_SUCCESS else { throw LDAPError(operation: "set CA file \(caFile)", code: code) }
                }
                var newContext: Int32 = 0
                ldap_set_option(handle, LDAP_OPT_X_TLS_NEWCTX, &newContext)
            }
            // Connect now, so a server that cannot be reached is named with the reason.
            code = ldap_connect(handle)
            if code != LDAP_SUCCESS {
                let detail =
                    LDAPReachability.diagnose(options.url, timeout: options.connectTimeout)
                    ?? diagnosticMessage(handle).map { "reachable, but: \($0)" }
                ldap_unbind_ext_s(handle, nil, nil)
                throw LDAPError(operation: "connect to \(options.url)", code: code, diagnostic: detail)
            }
            if options.security == .startTLS {
                code = ldap_start_tls_s(handle, nil, nil)
                guard code == LDAP_SUCCESS else {
                    ldap_unbind_ext_s(handle, nil, nil)
                    throw LDAPError(operation: "start TLS with \(options.url)", code: code)
                }
            }
            return LDAPConnection(handle: handle, queue: queue, options: options)
        }
    }

    /// Simple bind. The password is passed to libldap and nowhere else: it is never logged
    /// and never part of an error.
    public func bind(dn: String, password: String) async throws {
        try await perform { handle in
            var bytes = Array(password.utf8)
            let code = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                    var credential = berval(bv_len: ber_len_t(buffer.count), bv_val: buffer.count == 0 ? nil : pointer)
                    // nil mechanism = LDAP_SASL_SIMPLE (the macro does not import into Swift).
                    return ldap_sasl_bind_s(handle, dn, nil, &credential, nil, nil, nil)
                }
            }
            for index in bytes.indices { bytes[index] = 0 }
            guard code == LDAP_SUCCESS else {
                throw LDAPError(operation: "bind as \(dn)", code: code)
            }
        }
    }

    /// Search scope.
    public enum Scope: Sendable {
        case base, oneLevel, subtree

        var value: Int32 {
            switch self {
            case .base: LDAP_SCOPE_BASE
            case .oneLevel: LDAP_SCOPE_ONELEVEL
            case .subtree: LDAP_SCOPE_SUBTREE
            }
        }
    }

    /// What a search saw besides its entries.
    public struct SearchStatistics: Sendable, Equatable {
        /// The largest page the server cut short of `pageSize` while more pages followed:
        /// its own page limit (AD's MaxPageSize, slapd's size limit), when lower.
        public var serverPageLimit: Int?
    }

    /// Searches with the Simple Paged Results control (RFC 2696), following the cookie
    /// until the server has sent everything, so results larger than the server's size
    /// limit arrive complete; ranged attributes (`member;range=0-1499`, `LDAPRange`) are
    /// completed with base searches and handed over under their plain name.
    ///
    /// - Parameters:
    ///   - pageSize: entries per page; 0 sends no paging control (the server's size limit
    ///     then applies and exceeding it is an error).
    ///   - controls: more request controls (Show Deleted…).
    ///   - rangeSize: the size of further ranges to ask for; nil asks for the rest.
    ///   - onPage: each page's entries, as they arrive (so a large directory is never held
    ///     as raw entries all at once).
    @discardableResult
    public func search(
        base: String,
        scope: Scope = .subtree,
        filter: String,
        attributes: [String],
        pageSize: Int = 500,
        controls: [LDAPRequestControl] = [],
        rangeSize: Int? = nil,
        onPage: ([LDAPEntry]) throws -> Void
    ) async throws -> SearchStatistics {
        var statistics = SearchStatistics()
        // The next page is requested before this one is handed to `onPage`, so the server
        // (and libldap's decoding, on the connection's queue) work while the caller maps.
        let fetch: @Sendable ([UInt8]?) async throws -> Page = { [self] cookie in
            try await perform { handle in
                var page = try Self.searchPage(
                    handle: handle, base: base, scope: scope.value, filter: filter,
                    attributes: attributes, pageSize: pageSize, cookie: cookie, controls: controls)
                try Self.completeRanges(&page.entries, handle: handle, size: rangeSize)
                return page
            }
        }
        var pending: Task<Page, any Error>? = Task { try await fetch(nil) }
        do {
            while let next = pending {
                let page = try await next.value
                pending = page.cookie.map { cookie in Task { try await fetch(cookie) } }
                if page.cookie != nil && page.entries.count < pageSize {
                    statistics.serverPageLimit = max(statistics.serverPageLimit ?? 0, page.entries.count)
                }
                try onPage(page.entries)
            }
        } catch {
            // Nothing may still be running on the connection when the search returns.
            _ = try? await pending?.value
            throw error
        }
        return statistics
    }

    /// The same search, every entry at once (small results, tests).
    public func search(
        base: String,
        scope: Scope = .subtree,
        filter: String,
        attributes: [String],
        pageSize: Int = 500,
        controls: [LDAPRequestControl] = [],
        rangeSize: Int? = nil,
        onPage: @Sendable (Int) -> Void = { _ in }
    ) async throws -> [LDAPEntry] {
        var entries: [LDAPEntry] = []
        try await search(
            base: base, scope: scope, filter: filter, attributes: attributes, pageSize: pageSize, controls: controls,
            rangeSize: rangeSize
        ) { (page: [LDAPEntry]) in
            entries.append(contentsOf: page)
            onPage(entries.count)
        }
        return entries
    }

    /// The root DSE's attributes (`highestCommittedUSN`, `defaultNamingContext`…).
    public func rootDSE(_ attributes: [String]) async throws -> LDAPEntry? {
        let entries: [LDAPEntry] = try await search(
            base: "", scope: .base, filter: "(objectClass=*)", attributes: attributes, pageSize: 0)
        return entries.first
    }

    /// Unbinds and closes the connection. Further calls fail.
    public func close() async {
        try? await perform { [self] handle in
            if !closed {
                ldap_unbind_ext_s(handle, nil, nil)
                closed = true
            }
        }
    }

    // MARK: - Running on the connection's queue

    private func perform<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await Self.run(on: queue) { [self] in
            guard !closed else { throw LDAPError(operation: "use", message: "the connection is closed") }
            return try body(handle)
        }
    }

    private static func run<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T)
        async throws -> T
    {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body() })
            }
        }
    }

    // MARK: - One page (runs on the queue)

    private struct Page: Sendable {
        var entries: [LDAPEntry]
        var cookie: [UInt8]?
    }

    /// Fetches the remaining ranges of every ranged attribute of `entries` (base searches
    /// on the same handle) and stores the values under the attribute's plain name.
    private static func completeRanges(_ entries: inout [LDAPEntry], handle: OpaquePointer, size: Int?) throws {
        for index in entries.indices {
            let ranged = entries[index].attributes.keys.filter { $0.contains(";range=") }
            for name in ranged {
                guard let range = LDAPRange(name) else { continue }
                var values = entries[index].attributes.removeValue(forKey: name) ?? []
                var next = range.next(size: size)
                while let request = next {
                    let page = try searchPage(
                        handle: handle, base: entries[index].dn, scope: LDAP_SCOPE_BASE, filter: "(objectClass=*)",
                        attributes: [request], pageSize: 0, cookie: nil, controls: [])
                    next = nil
                    for (key, more) in page.entries.first?.attributes ?? [:] {
                        guard let part = LDAPRange(key), part.attribute.lowercased() == range.attribute.lowercased()
                        else { continue }
                        values += more
                        next = part.next(size: size)
                    }
                }
                entries[index].attributes[range.attribute.lowercased(), default: []] += values
            }
        }
    }

    private static func searchPage(
        handle: OpaquePointer, base: String, scope: Int32, filter: String,
        attributes: [String], pageSize: Int, cookie: [UInt8]?, controls: [LDAPRequestControl]
    ) throws -> Page {
        var serverControls: [UnsafeMutablePointer<LDAPControl>?] = []
        var pageControl: UnsafeMutablePointer<LDAPControl>?
        defer { if let pageControl { ldap_control_free(pageControl) } }
        var extraControls: [UnsafeMutablePointer<LDAPControl>?] = []
        defer { for control in extraControls { ldap_control_free(control) } }
        for control in controls {
            var created: UnsafeMutablePointer<LDAPControl>?
            let code = ldap_control_create(control.oid, control.critical ? 1 : 0, nil, 0, &created)
            guard code == LDAP_SUCCESS, let created else {
                throw LDAPError(operation: "create control \(control.oid)", code: code)
            }
            extraControls.append(created)
        }
        if pageSize > 0 {
            var cookieBytes = (cookie ?? []).map { CChar(bitPattern: $0) }
            let code = cookieBytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
                var value = berval(
                    bv_len: ber_len_t(buffer.count), bv_val: buffer.count == 0 ? nil : buffer.baseAddress)
                return ldap_create_page_control(handle, ber_int_t(pageSize), &value, 1, &pageControl)
            }
            guard code == LDAP_SUCCESS else { throw LDAPError(operation: "create page control", code: code) }
            serverControls = [pageControl]
        }
        serverControls += extraControls
        if !serverControls.isEmpty { serverControls.append(nil) }

        var message: OpaquePointer?
        defer { if let message { ldap_msgfree(message) } }
        let attributeStrings = attributes.map { strdup($0) } + [nil]
        defer { for pointer in attributeStrings { free(pointer) } }
        var attributePointers = attributeStrings
        let searchCode = attributePointers.withUnsafeMutableBufferPointer { attrs in
            serverControls.withUnsafeMutableBufferPointer { controls in
                ldap_search_ext_s(
                    handle, base, scope, filter, attrs.baseAddress, 0,
                    controls.isEmpty ? nil : controls.baseAddress, nil, nil, 0, &message)
            }
        }
        // ldap_search_ext_s returns the result code; entries may have arrived even on errors.
        guard let message, searchCode == LDAP_SUCCESS || searchCode == LDAP_SIZELIMIT_EXCEEDED else {
            throw LDAPError(operation: "search \(base) for \(filter)", code: searchCode)
        }

        var resultCode: Int32 = 0
        var diagnostic: UnsafeMutablePointer<CChar>?
        var responseControls: UnsafeMutablePointer<UnsafeMutablePointer<LDAPControl>?>?
        let parseCode = ldap_parse_result(handle, message, &resultCode, nil, &diagnostic, nil, &responseControls, 0)
        defer {
            if let diagnostic { ldap_memfree(diagnostic) }
            if let responseControls { ldap_controls_free(responseControls) }
        }
        guard parseCode == LDAP_SUCCESS else { throw LDAPError(operation: "read search result", code: parseCode) }
        guard resultCode == LDAP_SUCCESS else {
            var detail = diagnostic.map { String(cString: $0) } ?? ""
            if resultCode == LDAP_SIZELIMIT_EXCEEDED && pageSize > 0 {
                detail +=
                    (detail.isEmpty ? "" : "; ")
                    + "pages of \(pageSize) entries are above the server's limit: lower directory.pageSize"
            }
            throw LDAPError(operation: "search \(base) for \(filter)", code: resultCode, diagnostic: detail)
        }

        let entries = readEntries(handle: handle, message: message)

        var nextCookie: [UInt8]? = nil
        if pageSize > 0, let responseControls,
            let control = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, responseControls, nil)
        {
            var count: ber_int_t = 0
            var value = berval(bv_len: 0, bv_val: nil)
            let code = ldap_parse_pageresponse_control(handle, control, &count, &value)
            guard code == LDAP_SUCCESS else { throw LDAPError(operation: "read page cookie", code: code) }
            if value.bv_len > 0, let bytes = value.bv_val {
                nextCookie = UnsafeRawBufferPointer(start: bytes, count: Int(value.bv_len)).map { $0 }
            }
            if let bytes = value.bv_val { ber_memfree(bytes) }
        }
        return Page(entries: entries, cookie: nextCookie)
    }

    private static func readEntries(handle: OpaquePointer, message: OpaquePointer) -> [LDAPEntry] {
        var entries: [LDAPEntry] = []
        var entry = ldap_first_entry(handle, message)
        while let current = entry {
            var dn = ""
            if let dnPointer = ldap_get_dn(handle, current) {
                dn = String(cString: dnPointer)
                ldap_memfree(dnPointer)
            }
            var attributes: [String: [[UInt8]]] = [:]
            var ber: OpaquePointer?
            var name = ldap_first_attribute(handle, current, &ber)
            while let attribute = name {
                let key = String(cString: attribute)
                if let values = ldap_get_values_len(handle, current, attribute) {
                    var index = 0
                    var list: [[UInt8]] = []
                    while let value = values[index] {
                        let length = Int(value.pointee.bv_len)
                        if length > 0, let bytes = value.pointee.bv_val {
                            list.append(UnsafeRawBufferPointer(start: bytes, count: length).map { $0 })
                        } else {
                            list.append([])
                        }
                        index += 1
                    }
                    ldap_value_free_len(values)
                    attributes[key.lowercased(), default: []].append(contentsOf: list)
                }
                ldap_memfree(attribute)
                name = ldap_next_attribute(handle, current, ber)
            }
            if let ber { ber_free(ber, 0) }
            entries.append(LDAPEntry(dn: dn, attributes: attributes))
            entry = ldap_next_entry(handle, current)
        }
        return entries
    }
}

/// libldap's diagnostic message of the handle's last operation, if any.
private func diagnosticMessage(_ handle: OpaquePointer) -> String? {
    var message: UnsafeMutablePointer<CChar>?
    guard ldap_get_option(handle, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message) == LDAP_SUCCESS, let message else {
        return nil
    }
    defer { ldap_memfree(message) }
    let text = String(cString: message)
    return text.isEmpty ? nil : text
}

/// A request control to send with a search: its OID and criticality (no value).
public struct LDAPRequestControl: Sendable, Equatable {
    public var oid: String
    public var critical: Bool

    public init(oid: String, critical: Bool = true) {
        self.oid = oid
        self.critical = critical
    }

    /// Active Directory's Show Deleted control: deleted objects (tombstones) are returned.
    public static let showDeleted = LDAPRequestControl(oid: "1.2.840.113556.1.4.417")
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
