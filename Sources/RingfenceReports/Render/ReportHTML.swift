import Foundation
import Mustache
import RingfenceCore

/// Renders a `GroupWeekReport` as one self-contained HTML file: inline CSS, inline SVG
/// charts (audit volume stacked by verdict, coverage donut, week-over-week totals), no
/// script and nothing fetched, laid out to print on A4. Text is HTML-escaped by the
/// template (`{{…}}`); only the SVG made by `ReportCharts` is inserted as is.
public enum ReportHTML {
    public static func render(_ report: GroupWeekReport) throws -> String {
        let template = try MustacheTemplate(string: Self.template)
        return template.render(ReportView(report))
    }

    static let template = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{{group}} — week {{week}}</title>
        <style>
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2933; margin: 2em auto; max-width: 60em; padding: 0 1em; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.15em; border-bottom: 1px solid #cbd2d9; padding-bottom: 0.2em; margin-top: 1.6em; }
        .meta { color: #616e7c; }
        .readiness { background: #fffbea; border-left: 4px solid #f0b429; padding: 0.6em 0.9em; font-weight: 600; }
        table { border-collapse: collapse; margin: 0.6em 0; }
        th, td { border: 1px solid #d9e2ec; padding: 0.25em 0.6em; text-align: left; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .row { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; }
        @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }
        </style>
        </head>
        <body>
        <h1>{{group}} — week {{week}}</h1>
        <p class="meta">Ring {{ring}} · as of {{asOf}} · policy revisions in force: {{revisions}}</p>
        <p class="readiness">{{readiness}}.</p>

        <h2>Coverage</h2>
        <div class="row">
        {{{coverageChart}}}
        <table>
        <tr><th>members</th><td class="n">{{members}}</td></tr>
        <tr><th>covered</th><td class="n">{{covered}}</td></tr>
        <tr><th>hosts connected</th><td class="n">{{connected}}</td></tr>
        <tr><th>hosts stale</th><td class="n">{{stale}}</td></tr>
        <tr><th>hosts silent</th><td class="n">{{silent}}</td></tr>
        <tr><th>hosts with drifted agent files</th><td class="n">{{drifted}}</td></tr>
        <tr><th>members with no host</th><td class="n">{{missing}}</td></tr>
        </table>
        </div>
        <p>{{lastWeek}}. MCP server configurations: {{mcpApproval}}.</p>
        <div class="row">
        <table><tr><th>installer version</th><th class="n">hosts</th></tr>{{#installers}}<tr><td>{{name}}</td><td class="n">{{value}}</td></tr>{{/installers}}</table>
        <table><tr><th>hook state</th><th class="n">agents</th></tr>{{#hooks}}<tr><td>{{name}}</td><td class="n">{{value}}</td></tr>{{/hooks}}</table>
        <table><tr><th>agent</th><th class="n">installs</th></tr>{{#agents}}<tr><td>{{name}}</td><td class="n">{{value}}</td></tr>{{/agents}}</table>
        <table><tr><th>MCP server</th><th class="n">hosts</th></tr>{{#mcp}}<tr><td>{{name}}</td><td class="n">{{value}}</td></tr>{{/mcp}}</table>
        </div>
        {{#hasNames}}
        <h3>Who</h3>
        <p>{{active}}. Members by the ring they are actually in: {{memberRings}}. Members with no host: {{missingNames}}.</p>
        {{#hasHostNotes}}<ul>
        {{#staleHosts}}<li>Stale: {{.}}</li>
        {{/staleHosts}}
        {{#driftedHosts}}<li>Drifted: {{.}}</li>
        {{/driftedHosts}}
        </ul>{{/hasHostNotes}}
        {{/hasNames}}

        <h2>Audit volume</h2>
        {{{volumeChart}}}
        <table>
        <tr><th>surface</th>{{#verdicts}}<th class="n">{{.}}</th>{{/verdicts}}<th class="n">total</th></tr>
        {{#surfaces}}<tr><td>{{surface}}</td>{{#counts}}<td class="n">{{.}}</td>{{/counts}}<td class="n">{{total}}</td></tr>
        {{/surfaces}}<tr><th>all</th>{{#totals}}<th class="n">{{.}}</th>{{/totals}}<th class="n">{{total}}</th></tr>
        </table>
        <div class="row">{{{trendChart}}}<p>{{change}}.</p></div>

        <h2>Noisy rules</h2>
        {{^hasRules}}<p>No warn- or block-candidates this week.</p>{{/hasRules}}
        {{#hasRules}}
        <table>
        <tr><th>rule</th><th>surface</th><th class="n">candidates</th><th class="n">members hit</th><th>example</th></tr>
        {{#rules}}<tr><td>{{rule}}{{#hasDescription}}<br><small>{{description}}</small>{{/hasDescription}}</td><td>{{surface}}</td><td class="n">{{candidates}}</td><td class="n">{{users}}</td><td>{{example}}</td></tr>
        {{/rules}}
        </table>
        {{/hasRules}}

        <h2>Agent surfaces not understood this week</h2>
        {{^hasUnrecognized}}<p>Every hook input of the members' agents was understood.</p>{{/hasUnrecognized}}
        {{#hasUnrecognized}}
        <p>The agents sent hook input Ringfence's adapters do not know (a renamed tool, a new event, a missing field);
        it was decided by the <code>unrecognized</code> rules or the hook's fail mode.</p>
        <table>
        <tr><th>agent</th><th>input</th><th class="n">events</th><th class="n">members</th></tr>
        {{#unrecognized}}<tr><td>{{agent}}</td><td>{{input}}</td><td class="n">{{events}}</td><td class="n">{{users}}</td></tr>
        {{/unrecognized}}
        </table>
        {{/hasUnrecognized}}

        <h2>Next ring</h2>
        <table>
        {{#impact}}<tr><th>{{name}}</th><td class="n">{{value}}</td></tr>
        {{/impact}}
        </table>
        {{#hasAffected}}<ul>
        {{#affected}}<li>Would affect {{.}}</li>
        {{/affected}}
        </ul>{{/hasAffected}}

        <h2>Rollout</h2>
        {{^hasRollout}}<p>The rollout did nothing for the group this week and no rule is held.</p>{{/hasRollout}}
        {{#hasRollout}}<ul>
        {{#rollout}}<li>{{.}}</li>
        {{/rollout}}
        {{#holds}}<li>Held: {{.}}</li>
        {{/holds}}
        </ul>{{/hasRollout}}
        </body>
        </html>

        """
}
