import Foundation
import Testing

@testable import RingfenceServer

@Suite("TLSFiles: a TLS file that cannot be used is named with the reason")
struct TLSFilesTests {
    @Test("missing, a directory, not PEM, and usable files")
    func problems() throws {
        let folder = FileManager.default.temporaryDirectory.appending(path: "rf-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appending(path: "server.crt").path
        let key = folder.appending(path: "server.key").path
        #expect(throws: TLSFiles.Problem(role: "certificate", path: certificate, reason: "does not exist")) {
            try TLSFiles.check(certificate: certificate, key: key)
        }
        try "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".write(
            toFile: certificate, atomically: true, encoding: .utf8)
        #expect(throws: TLSFiles.Problem(role: "private key", path: key, reason: "does not exist")) {
            try TLSFiles.check(certificate: certificate, key: key)
        }
        try "not a key".write(toFile: key, atomically: true, encoding: .utf8)
        #expect(throws: TLSFiles.Problem(role: "private key", path: key, reason: "holds no PEM PRIVATE KEY block")) {
            try TLSFiles.check(certificate: certificate, key: key)
        }
        #expect(throws: TLSFiles.Problem(role: "certificate", path: folder.path, reason: "is a directory")) {
            try TLSFiles.check(certificate: folder.path, key: key)
        }
        try "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n".write(
            toFile: key, atomically: true, encoding: .utf8)
        try TLSFiles.check(certificate: certificate, key: key)
        let problem = TLSFiles.Problem(role: "certificate", path: "/x/server.crt", reason: "does not exist")
        #expect("\(problem)" == "the TLS certificate file /x/server.crt does not exist")
    }
}
