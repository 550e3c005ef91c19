import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceStore

extension AdminRole: ExpressibleByArgument {}

extension KeysCommand {
    /// `ringfence keys admin-token`: a token for the admin API (docs/admin-api.md), printed
    /// once; the first one is made here, later ones also through `POST /api/v1/tokens`.
    struct AdminToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "admin-token",
            abstract: "Make an admin API token for a person or an automation (printed once).",
            discussion:
                "The label is recorded as the actor of every change made with the token; a manager's label is their directory user name (their groups are the groups they own)."
        )

        @Option(help: "Who the token acts for: a directory user name, or an automation's name.")
        var label: String
        @Option(help: "admin, operator, viewer or manager.")
        var role: AdminRole
        @Option(help: "Days the token works (default 90).")
        var days: Int = 90
        @OptionGroup var actor: ActorOption
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard AdminTokenLabel.isValid(label) else { throw ValidationError("--label: \(AdminTokenLabel.rule)") }
            guard (1...397).contains(days) else { throw ValidationError("--days takes 1 to 397") }
        }

        func run() async throws {
            let token = APIKey.generate()
            let (label, role, creator) = (label, role, actor.name)
            let expires = Date().addingTimeInterval(Double(days) * 86_400)
            try await withPostgres(try database.configuration()) { client in
                try await FleetStore(client: client).createAdminKey(
                    prefix: token.prefix, hash: token.hash, label: label, role: role, createdBy: creator,
                    expiresAt: expires)
            }
            print(token.text)
        }
    }
}
