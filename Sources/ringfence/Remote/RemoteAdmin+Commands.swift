import ArgumentParser
import Foundation
import RingfenceAdminAPI
import RingfenceCore

/// What the CLI's commands ask the admin API for with `--server`.
extension RemoteAdmin {
    /// The resolution of the context the flags describe (the server completes it from its
    /// directory and fleet, as without `--server`).
    func resolve(_ options: ContextOptions, revision: Int64?, trace: Bool, matchedOnly: Bool) async throws
        -> Components.Schemas.Resolution
    {
        let context = try options.context()
        let request = Components.Schemas.ResolveRequest(
            user: context.user, host: options.host, groups: context.groups.isEmpty ? nil : context.groups,
            roles: context.roles.isEmpty ? nil : context.roles, hostRing: context.hostRing?.number,
            hostTags: context.hostTags.isEmpty ? nil : context.hostTags, repository: context.repo,
            trust: context.trust.flatMap { .init(rawValue: $0.rawValue) },
            agent: context.agent.isEmpty ? nil : context.agent,
            surfaces: context.surfaces.isEmpty ? nil : context.surfaces.map(\.rawValue),
            at: options.at == nil ? nil : context.at, revision: revision, trace: trace, matchedOnly: matchedOnly)
        return try await client.resolvePolicy(body: .json(request)).ok.body.json
    }

    /// The plan and, unless `preview`, the publish of the policy files of `directory`.
    func publish(directory: String, comment: String, preview: Bool, confirm: (Int64) throws -> Void) async throws {
        let files = try Self.policyFiles(directory)
        let plan = try await client.previewPolicy(body: .json(.init(files: files))).ok.body.json
        guard !plan.changes.isEmpty else {
            print("nothing to publish: \(directory) equals revision \(plan.currentRevision ?? 0)")
            return
        }
        print("changes against revision \(plan.currentRevision.map(String.init) ?? "none"):")
        Self.printPlan(plan)
        if preview {
            print("preview only: nothing was published")
            return
        }
        try confirm((plan.currentRevision ?? 0) + 1)
        let result = try await client.publishPolicy(
            body: .json(.init(files: files, comment: comment, expectedRevision: plan.currentRevision ?? 0))
        ).ok.body.json
        print("published revision \(result.published ?? 0)")
    }

    /// The plan and, unless `preview`, a rollback to `revision`.
    func rollback(to revision: Int64, comment: String, preview: Bool, confirm: (Int64) throws -> Void) async throws {
        let plan = try await client.rollbackPolicy(
            body: .json(.init(to: revision, comment: comment, previewOnly: true))
        ).ok.body.json.plan
        let current = plan.currentRevision ?? 0
        print("rolling back from revision \(current) to the content of revision \(revision):")
        Self.printPlan(plan, emptyChanges: "(no difference)")
        if preview {
            print("preview only: nothing was published")
            return
        }
        try confirm(current + 1)
        let result = try await client.rollbackPolicy(
            body: .json(.init(to: revision, comment: comment, expectedRevision: current))
        ).ok.body.json
        print("published revision \(result.published ?? 0) (rollback to \(revision))")
    }

    /// Every revision, newest first, up to `limit`.
    func revisions(limit: Int) async throws -> [Components.Schemas.Revision] {
        try await Self.all(pages: max(1, (limit + 499) / 500)) { cursor in
            let page = try await client.listRevisions(query: .init(limit: min(limit, 500), cursor: cursor)).ok.body.json
            return (page.items, page.nextCursor)
        }.prefix(limit).map { $0 }
    }

    static func printPlan(_ plan: Components.Schemas.PolicyPlan, emptyChanges: String? = nil) {
        let changes = plan.changes.isEmpty ? emptyChanges.map { [$0] } ?? [] : plan.changes
        for line in changes { print("  \(line)") }
        for line in plan.impactText { print(line) }
    }

    /// The `.yaml` and `.yml` files of a policy directory, as the API takes them.
    static func policyFiles(_ directory: String) throws -> [Components.Schemas.PolicyFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let files = try names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { throw ValidationError("\(path): not readable as UTF-8 text") }
            return Components.Schemas.PolicyFile(name: name, text: text)
        }
        guard !files.isEmpty else { throw ValidationError("\(directory): no .yaml or .yml files") }
        return files
    }
}
