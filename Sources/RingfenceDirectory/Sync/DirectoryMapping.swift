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

    public func user(_ entry: LDAPEntry) -> Result<UserRecord, RejectedEntry> {
        let c = configuration
        guard let dn = Self.clean(entry.dn, limit: Self.maxDNBytes) else {
            return .failure(reject(entry, "DN is not usable text"))
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
        return .success(
            UserRecord(
                externalID: identity(entry, c.userIdAttribute) ?? dn.lowercased(), dn: dn, username: username,
                email: text(entry, c.emailAttribute, limit: Self.maxValueBytes),
                displayName: text(entry, c.displayNameAttribute, limit: Self.maxValueBytes),
                disabled: isDisabled(entry), roles: Array(Set(roles)).sorted(),
                memberOf: c.membership == .memberOf
                    ? entry.values(c.memberAttribute).compactMap { Self.clean(bytes: $0, limit: Self.maxDNBytes) } : [],
                modifyTimestamp: text(entry, "modifyTimestamp", limit: 64)))
    }

    public func group(_ entry: LDAPEntry) -> Result<GroupRecord, RejectedEntry> {
        let c = configuration
        guard let dn = Self.clean(entry.dn, limit: Self.maxDNBytes) else {
            return .failure(reject(entry, "DN is not usable text"))
        }
        guard let name = text(entry, c.groupNameAttribute, limit: Self.maxNameBytes) else {
            return .failure(
                reject(
                    entry,
                    "attribute \(c.groupNameAttribute) is missing, empty, not UTF-8, contains NUL or is longer than \(Self.maxNameBytes) bytes"
                ))
        }
        let memberLimit = c.membership == .memberUsername ? Self.maxNameBytes : Self.maxDNBytes
        let members =
            c.membership == .memberOf
            ? [] : entry.values(c.memberAttribute).compactMap { Self.clean(bytes: $0, limit: memberLimit) }
        return .success(
            GroupRecord(
                externalID: identity(entry, c.groupIdAttribute) ?? dn.lowercased(), dn: dn, name: name,
                description: text(entry, c.groupDescriptionAttribute, limit: Self.maxValueBytes),
                owners: entry.values(c.groupOwnerAttribute).compactMap {
                    Self.clean(bytes: $0, limit: Self.maxDNBytes)
                },
                members: members,
                memberOf: c.membership == .memberOf
                    ? entry.values(c.memberAttribute).compactMap { Self.clean(bytes: $0, limit: Self.maxDNBytes) } : [])
        )
    }

    /// Maps all entries; refused entries are collected, not fatal.
    public func map(users: [LDAPEntry], groups: [LDAPEntry]) -> DirectoryData {
        var data = DirectoryData()
        data.users.reserveCapacity(users.count)
        for entry in users {
            switch user(entry) {
            case .success(let record): data.users.append(record)
            case .failure(let rejection): data.rejected.append(rejection)
            }
        }
        for entry in groups {
            switch group(entry) {
            case .success(let record): data.groups.append(record)
            case .failure(let rejection): data.rejected.append(rejection)
            }
        }
        return data
    }

    private func reject(_ entry: LDAPEntry, _ reason: String) -> RejectedEntry {
        RejectedEntry(dn: Self.clean(entry.dn, limit: Self.maxDNBytes) ?? "<unprintable DN>", reason: reason)
    }

    private func text(_ entry: LDAPEntry, _ attribute: String, limit: Int) -> String? {
        entry.values(attribute).first.flatMap { Self.clean(bytes: $0, limit: limit) }
    }

    /// The identity attribute as text: binary GUIDs (16 bytes, AD objectGUID) as hex.
    private func identity(_ entry: LDAPEntry, _ attribute: String) -> String? {
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
    static func clean(bytes: [UInt8], limit: Int) -> String? {
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
