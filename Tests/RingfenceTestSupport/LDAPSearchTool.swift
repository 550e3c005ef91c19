import Foundation

/// OpenLDAP's own `ldapsearch`, run as a separate program: an independent reading of a
/// directory (the server's matching rules, not Ringfence's) to check the sync against.
public enum LDAPSearchTool {
    /// One entry of `ldapsearch -LLL` output: its DN and values by lower-cased attribute.
    public struct Entry: Sendable {
        public var dn: String
        public var values: [String: [String]]
        /// The same values as bytes (binary attributes such as objectGUID).
        public var bytes: [String: [Data]] = [:]
    }

    /// Runs `ldapsearch -LLL -o ldif-wrap=no` and parses the LDIF (base64 values decoded).
    public static func search(
        url: String, bindDN: String, password: String, base: String, scope: String = "sub", filter: String,
        attributes: [String]
    ) throws -> [Entry] {
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/ldapsearch"),
            [
                "-x", "-LLL", "-o", "ldif-wrap=no", "-H", url, "-D", bindDN, "-w", password, "-b", base, "-s", scope,
                filter,
            ] + attributes)
        // 32: no such object (an empty result under a missing base).
        guard result.status == 0 || result.status == 32 else {
            throw TestServerError.notConfigured("ldapsearch \(filter) failed (\(result.status)): \(result.stderr)")
        }
        return parse(result.stdout)
    }

    static func parse(_ ldif: String) -> [Entry] {
        var entries: [Entry] = []
        for block in ldif.components(separatedBy: "\n\n") {
            var entry: Entry?
            for line in block.split(separator: "\n") where !line.hasPrefix("#") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = String(line[..<colon])
                var rest = line[line.index(after: colon)...]
                let raw: Data
                if rest.hasPrefix(":") {
                    rest = rest.dropFirst()
                    raw = Data(base64Encoded: rest.trimmingCharacters(in: .whitespaces)) ?? Data()
                } else {
                    raw = Data(rest.drop { $0 == " " }.utf8)
                }
                let value = String(decoding: raw, as: UTF8.self)
                if name == "dn" {
                    entry = Entry(dn: value, values: [:])
                } else {
                    entry?.values[name.lowercased(), default: []].append(value)
                    entry?.bytes[name.lowercased(), default: []].append(raw)
                }
            }
            if let entry { entries.append(entry) }
        }
        return entries
    }
}
