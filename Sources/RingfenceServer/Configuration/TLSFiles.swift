import Foundation

/// Checks the certificate and key files of a TLS listener before the transport is
/// started, so a missing or unreadable file is reported by name and reason (the
/// transport itself only says "There is no listening address bound").
public enum TLSFiles {
    /// A TLS file that cannot be used.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var role: String
        public var path: String
        public var reason: String
        public var description: String { "the TLS \(role) file \(path) \(reason)" }
    }

    /// Throws `Problem` for the first file that does not exist, cannot be read, or holds
    /// no PEM block of the kind expected.
    public static func check(certificate: String, key: String) throws(Problem) {
        try check(path: certificate, role: "certificate", marker: "CERTIFICATE")
        try check(path: key, role: "private key", marker: "PRIVATE KEY")
    }

    static func check(path: String, role: String, marker: String) throws(Problem) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw Problem(role: role, path: path, reason: "does not exist")
        }
        guard !isDirectory.boolValue else { throw Problem(role: role, path: path, reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(role: role, path: path, reason: "cannot be read (permission denied?)")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("-----BEGIN ") && text.contains(marker) else {
            throw Problem(role: role, path: path, reason: "holds no PEM \(marker) block")
        }
    }
}
