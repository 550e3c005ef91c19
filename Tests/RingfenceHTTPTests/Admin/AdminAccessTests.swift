import Foundation
import RingfenceCore
import RingfenceHTTP
import RingfenceTestSupport
import Testing

/// Who may call what, without I/O: every operation of openapi/admin.yaml has a permission,
/// and each role's permissions are the documented ones.
@Suite("Admin API access")
struct AdminAccessTests {
    /// The operationIds of the document, read from the file.
    static func operationIDs() throws -> [String] {
        let text = try String(
            contentsOf: TestServers.repositoryRoot.appending(path: "openapi/admin.yaml"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("operationId:") else { return nil }
            return trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
        }
    }

    @Test("every operation of the document needs a permission, and the table names no other")
    func everyOperation() throws {
        let ids = try Self.operationIDs()
        #expect(ids.count >= 15)
        #expect(Set(ids) == Set(AdminOperationPermissions.required.keys))
    }

    @Test(
        "viewer reads, operator cannot publish or manage tokens, manager reads its groups and decides their requests, admin all"
    )
    func roles() {
        for permission in AdminPermission.allCases { #expect(AdminRole.admin.allows(permission)) }
        #expect(!AdminRole.operator.allows(.publish) && !AdminRole.operator.allows(.manageTokens))
        #expect(AdminRole.operator.allows(.readFleet))
        #expect(AdminPermission.allCases.filter(AdminRole.viewer.allows) == AdminPermission.allCases.filter(\.isRead))
        #expect(
            AdminPermission.allCases.filter(AdminRole.manager.allows) == [
                .session, .readOwnGroups, .readExceptions, .decideExceptions,
            ])
        #expect(AdminRole.operator.allows(.decideExceptions) && !AdminRole.viewer.allows(.decideExceptions))
        #expect(!AdminOperationPermissions.allows(.admin, "noSuchOperation"), "unknown operations are refused")
    }

    @Test("token labels: user names and automation names, nothing that could pass for something else")
    func labels() {
        for good in ["tess", "ci-bot", "j.doe@example.com", "svc_deploy", String(repeating: "a", count: 128)] {
            #expect(AdminTokenLabel.isValid(good), "\(good)")
        }
        for bad in ["", "a b", "x/y", "é", String(repeating: "a", count: 129), "tess\n"] {
            #expect(!AdminTokenLabel.isValid(bad), "\(bad)")
        }
    }
}
