import Foundation
import RingfenceCore

/// Turns raw LDAP entries into validated user and group records, as the configuration says.
///
/// Pure. Every value is treated as data, never as syntax: it is decoded as UTF-8 or
/// refused, checked for NUL bytes (PostgreSQL text cannot hold them) and bounded in
/// length. An entry whose identity (id, user name, group name) fails is rejected with a
/// reason; a bad optional value (mail, display name, description) is dropped.
public struct DirectoryMapping: Sendable {
    public let configuration: DirectoryConfiguration

    /// Longest user or group name accepted, in bytes.
    public static let maxNameBytes = 256
    /// Longest DN accepted, in bytes.
    public static let maxDNBytes = 2_048
    /// Longest optional value kept (mail, display name, description), in bytes.
    public static let maxValueBytes = 4_096

    public init(_ configuration: DirectoryConfiguration) {
        self.configuration = configuration
    }

    public func user(_ entry: LDAPEntry, names: inout NameTable) -> Result<UserRecord, RejectedEntry> {
        let c = configuration
        let dn: (text: String, key: String)
        switch Self.distinguishedName(entry.dn) {
        case .success(let parsed): dn = parsed
        case .failure(let problem): return .failure(reject(entry, problem.reason))
        }
        guard let username = text(entry, c.usernameAttribute, limit: Self.maxNameBytes) else {
            return .failure(
                reject(
                    entry,
                    "attribute \(c.usernameAttribute) is missing, empty, not UTF-8, contains NUL or is longer than \(Self.maxNameBytes) bytes"
                ))
        }
        let roles =
            c.roleAttribute.map { entry.values($0).compactMap { Self.clean(bytes: $0, limit: Self.maxNameBytes) } }
            ?? []
        var memberOf: [Int32] = []
        if let attribute = c.userMemberOfAttribute {
            for value in entry.values(attribute) {
                if let text = Self.clean(bytes: value, limit: Self.maxDNBytes), let key = DistinguishedName.key(text) {
                    memberOf.append(names.number(key))
                }
            }
        }
        return .success(
            UserRecord(
                externalID: identity(entry, c.userIdAttribute) ?? dn.key, dn: dn.text, username: username,
                email: text(entry, c.emailAttribute, limit: Self.maxValueBytes),
                displayName: text(entry, c.displayNameAttribute, limit: Self.maxValueBytes),
                disabled: isDisabled(entry), roles: Array(Set(roles)).sorted(), memberOf: memberOf,
                changeMark: text(entry, c.changeAttribute, limit: 64), dnKey: dn.key))
    }

    public func group(_ entry: LDAPEntry, names: inout NameTable) -> Result<GroupRecord, RejectedEntry> {
        let c = configuration
        let dn: (text: String, key: String)
        switch Self.distinguishedName(entry.dn) {
        case .success(let parsed): dn = parsed
        case .failure(let problem): return .failure(reject(entry, problem.reason))
        }
        guard let name = text(entry, c.groupNameAttribute, limit: Self.maxNameBytes) else {
            return .failure(
                reject(
                    entry,
                    "attribute \(c.groupNameAttribute) is missing, empty, not UTF-8, contains NUL or is longer than \(Self.maxNameBytes) bytes"
                ))
        }
        let classNames = entry.strings("objectClass")
        let objectClasses = Set(classNames.map { $0.lowercased() })
        var members: [MemberValue] = []
        var invalid: [String] = []
        var read = false
        for (index, rule) in c.memberAttributes.enumerated() {
            if let objectClass = rule.objectClass, !objectClasses.contains(objectClass.lowercased()) { continue }
            read = true
            let values = entry.values(rule.attribute)
            members.reserveCapacity(members.count + values.count)
            for value in values {
                switch rule.values {
                case .dn:
                    guard let text = Self.clean(bytes: Self.withoutUID(value), limit: Self.maxDNBytes),
                        let key = DistinguishedName.key(text)
                    else {
                        invalid.append("\(rule.attribute): \(Self.printable(value))")
                        continue
                    }
                    members.append(MemberValue(attribute: UInt8(index), name: names.number(key)))
                case .username:
                    guard let text = Self.clean(bytes: value, limit: Self.maxNameBytes) else {
                        invalid.append("\(rule.attribute): \(Self.printable(value))")
                        continue
                    }
                    members.append(MemberValue(attribute: UInt8(index), name: names.number(text.lowercased())))
                }
            }
        }
        let owners = entry.values(c.groupOwnerAttribute).compactMap {
            Self.clean(bytes: $0, limit: Self.maxDNBytes).flatMap { DistinguishedName.key($0) }
        }
        return .success(
            GroupRecord(
                row: GroupRow(
                    externalID: identity(entry, c.groupIdAttribute) ?? dn.key, dn: dn.text, name: name,
                    description: text(entry, c.groupDescriptionAttribute, limit: Self.maxValueBytes),
                    owners: owners, dnKey: dn.key),
                members: members, invalidMembers: invalid,
                unreadObjectClasses: read ? nil : classNames.sorted()))
    }

    /// Maps users into `data`; refused entries are collected, not fatal.
    public func add(users entries: [LDAPEntry], to data: inout DirectoryData) {
        data.users.reserveCapacity(data.users.count + entries.count)
        for entry in entries {
            switch user(entry, names: &data.names) {
            case .success(let record): data.users.append(record)
            case .failure(let rejection): data.rejected.append(rejection)
            }
        }
    }

    /// Maps groups into `data`; refused entries are collected, not fatal.
    public func add(groups entries: [LDAPEntry], to data: inout DirectoryData) {
        for entry in entries {
            switch group(entry, names: &data.names) {
            case .success(let record): data.groups.append(record)
            case .failure(let rejection): data.rejected.append(rejection)
            }
        }
    }

    /// Maps all entries.
    public func map(users: [LDAPEntry], groups: [LDAPEntry]) -> DirectoryData {
        var data = DirectoryData()
        add(users: users, to: &data)
        add(groups: groups, to: &data)
        return data
    }

    /// The entry's DN as text and as key, or why it cannot be used.
    static func distinguishedName(_ dn: String) -> Result<(text: String, key: String), UnusableDN> {
        guard let text = clean(dn, limit: maxDNBytes) else {
            return .failure(UnusableDN(reason: "DN is not usable text"))
        }
        // The fast path first (most DNs are plain); the parser again only to say why not.
        // When the key is the text (a lower-case DN), keep one string, not two equal ones.
        if let key = DistinguishedName.key(text) { return .success((text, key == text ? text : key)) }
        do {
            return .success((text, try DistinguishedName(text).key))
        } catch {
            return .failure(UnusableDN(reason: "\(error)"))
        }
    }

    /// Why an entry's DN cannot be used.
    struct UnusableDN: Error {
        var reason: String
    }

    /// A `uniqueMember` value without its optional `#'0101'B` UID (RFC 4517 NameAndOptionalUID).
    static func withoutUID(_ value: [UInt8]) -> ArraySlice<UInt8> {
        guard value.last == UInt8(ascii: "B"), value.count >= 4, value[value.count - 2] == UInt8(ascii: "'") else {
            return value[...]
        }
        var index = value.count - 3
        while index >= 0 && (value[index] == UInt8(ascii: "0") || value[index] == UInt8(ascii: "1")) { index -= 1 }
        guard index >= 1, value[index] == UInt8(ascii: "'"), value[index - 1] == UInt8(ascii: "#") else {
            return value[...]
        }
        return value[..<(index - 1)]
    }

    /// A value for a warning: UTF-8 text up to 200 bytes, or a note that it is not text.
    static func printable(_ value: [UInt8]) -> String {
        guard let text = String(validating: value.prefix(200), as: UTF8.self), !value.contains(0) else {
            return "<\(value.count) bytes, not text>"
        }
        return value.count > 200 ? text + "…" : text
    }

    private func reject(_ entry: LDAPEntry, _ reason: String) -> RejectedEntry {
        RejectedEntry(dn: Self.clean(entry.dn, limit: Self.maxDNBytes) ?? "<unprintable DN>", reason: reason)
    }

    private func text(_ entry: LDAPEntry, _ attribute: String, limit: Int) -> String? {
        entry.values(attribute).first.flatMap { Self.clean(bytes: $0, limit: limit) }
    }

    /// The identity attribute as text: binary GUIDs (16 bytes, AD objectGUID) as hex.
    func identity(_ entry: LDAPEntry, _ attribute: String) -> String? {
        guard let bytes = entry.values(attribute).first, !bytes.isEmpty else { return nil }
        if attribute.lowercased() == "objectguid" || String(validating: bytes, as: UTF8.self) == nil {
            return bytes.hex
        }
        return Self.clean(bytes: bytes, limit: Self.maxNameBytes)?.lowercased()
    }

    private func isDisabled(_ entry: LDAPEntry) -> Bool {
        guard let rule = configuration.disabled else { return false }
        let values = entry.strings(rule.attribute)
        switch rule.test {
        case .present:
            return !entry.values(rule.attribute).isEmpty
        case .equals:
            return values.contains { $0.caseInsensitiveCompare(rule.value ?? "") == .orderedSame }
        case .bitmask:
            guard let mask = Int(rule.value ?? ""), let flags = values.first.flatMap({ Int($0) }) else { return false }
            return flags & mask != 0
        }
    }

    /// UTF-8, no NUL, not blank, at most `limit` bytes; trimmed.
    static func clean(bytes: some BidirectionalCollection<UInt8>, limit: Int) -> String? {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= limit, !bytes.contains(0),
            let text = String(validating: bytes, as: UTF8.self)
        else { return nil }
        // Most values (a million member DNs in a large directory) have nothing to trim;
        // only values that start or end with white space, or with non-ASCII, take the slow path.
        func mayBeSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) || byte >= 0x80 }
        guard mayBeSpace(first) || mayBeSpace(last) else { return text }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func clean(_ text: String, limit: Int) -> String? {
        clean(bytes: Array(text.utf8), limit: limit)
    }
}
