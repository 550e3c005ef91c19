import Foundation
import Mustache
import RingfenceCore

/// Renders a `GroupWeekReport` as Markdown through a Mustache template
/// (`ReportMarkdown.template`); numbers are formatted by `ReportView`, the layout lives in
/// the template.
public enum ReportMarkdown {
    public static func render(_ report: GroupWeekReport) throws -> String {
        let template = try MustacheTemplate(string: Self.template)
        return template.render(ReportView(report))
    }

    static let template = """
        # {{{group}}} — week {{{week}}}

        Ring {{{ring}}}. As of {{{asOf}}}.

        **{{{readiness}}}.**

        ## Coverage

        | members | covered | hosts connected | stale | silent | drifted | members with no host |
        |---|---|---|---|---|---|---|
        | {{{members}}} | {{{covered}}} | {{{connected}}} | {{{stale}}} | {{{silent}}} | {{{drifted}}} | {{{missing}}} |
        {{#driftedFiles}}

        Drifted: `{{{name}}}` on {{{value}}} host(s) (the file differs from what Ringfence served).
        {{/driftedFiles}}

        {{{lastWeek}}}.

        | installer version | hosts |
        |---|---|
        {{#installers}}
        | {{{name}}} | {{{value}}} |
        {{/installers}}

        | hook state | agents |
        |---|---|
        {{#hooks}}
        | {{{name}}} | {{{value}}} |
        {{/hooks}}

        | agent | installs |
        |---|---|
        {{#agents}}
        | {{{name}}} | {{{value}}} |
        {{/agents}}

        | MCP server | hosts |
        |---|---|
        {{#mcp}}
        | {{{name}}} | {{{value}}} |
        {{/mcp}}

        MCP server configurations: {{{mcpApproval}}}.
        {{#hasNames}}

        ### Who

        {{{active}}}. Members by the ring they are actually in: {{{memberRings}}}.

        Members with no host: {{{missingNames}}}.
        {{#staleHosts}}
        - Stale: {{{.}}}
        {{/staleHosts}}
        {{#driftedHosts}}
        - Drifted: {{{.}}}
        {{/driftedHosts}}
        {{/hasNames}}

        ## Audit volume

        | surface |{{#verdicts}} {{{.}}} |{{/verdicts}} total |
        |---|---|---|---|---|---|---|
        {{#surfaces}}
        | {{{surface}}} |{{#counts}} {{{.}}} |{{/counts}} {{{total}}} |
        {{/surfaces}}
        | **all** |{{#totals}} {{{.}}} |{{/totals}} {{{total}}} |

        {{{change}}}.

        ## Noisy rules

        {{^hasRules}}
        No warn- or block-candidates this week.
        {{/hasRules}}
        {{#hasRules}}
        | rule | surface | candidates | members hit | example |
        |---|---|---|---|---|
        {{#rules}}
        | {{{rule}}}{{{descriptionMarkdown}}} | {{{surface}}} | {{{candidates}}} | {{{users}}} | {{{exampleMarkdown}}} |
        {{/rules}}
        {{/hasRules}}

        ## Agent surfaces not understood this week

        {{^hasUnrecognized}}
        Every hook input of the members' agents was understood.
        {{/hasUnrecognized}}
        {{#hasUnrecognized}}
        The agents sent hook input Ringfence's adapters do not know (a renamed tool, a new event, a
        missing field); it was decided by the `unrecognized` rules or the hook's fail mode. Update
        the adapters (docs/agents.md, "The support path").

        | agent | input | events | members |
        |---|---|---|---|
        {{#unrecognized}}
        | {{{agentMarkdown}}} | {{{inputMarkdown}}} | {{{events}}} | {{{users}}} |
        {{/unrecognized}}
        {{/hasUnrecognized}}

        ## Next ring

        {{#impact}}
        - {{{name}}}: {{{value}}}
        {{/impact}}
        {{#affected}}
        - Would affect {{{.}}}
        {{/affected}}

        ## Rollout

        {{^hasRollout}}
        The rollout did nothing for the group this week and no rule is held.
        {{/hasRollout}}
        {{#rollout}}
        - {{{.}}}
        {{/rollout}}
        {{#holds}}
        - Held: {{{.}}}
        {{/holds}}

        ## Policy revisions in force

        {{{revisions}}}

        """
}
