import Mustache

/// The console's pages, server-rendered with Mustache (every value HTML-escaped by `{{ }}`;
/// no script anywhere): one layout around each page's body.
struct ConsoleTemplates: Sendable {
    let pages: [String: MustacheTemplate]

    init() throws {
        var pages: [String: MustacheTemplate] = [:]
        for (name, body) in Self.bodies {
            pages[name] = try MustacheTemplate(string: Self.top + body + Self.bottom)
        }
        self.pages = pages
    }

    /// The page `name` with `values` (and the layout's: `title`, `user`, `role`, `csrf`).
    func render(_ name: String, _ values: [String: Any]) -> String {
        pages[name]?.render(values) ?? ""
    }

    static let top = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Ringfence</title><link rel="stylesheet" href="/console/style.css">
        <link rel="icon" href="/console/icon.svg" type="image/svg+xml">
        {{#refresh}}<meta http-equiv="refresh" content="0;url={{refresh}}">{{/refresh}}</head>
        <body>
        <header>
        <a class="brand" href="/console">Ringfence</a>
        {{#user}}<nav aria-label="Main">
        <a href="/console">Control board</a>{{#canSeeFleet}} <a href="/console/fleet">Fleet</a>{{/canSeeFleet}}{{#canSeePolicy}} <a href="/console/explain">Explain</a> <a href="/console/policy">Policy</a>{{/canSeePolicy}}{{#canSeeRollout}} <a href="/console/rollout">Rollout</a>{{/canSeeRollout}}{{#canSeeExceptions}} <a href="/console/exceptions">Exceptions</a>{{/canSeeExceptions}}
        </nav>
        <form class="session" method="post" action="/console/sign-out">
        <span>{{user}} ({{role}})</span>
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Sign out</button>
        </form>{{/user}}
        </header>
        <main>
        <h1>{{title}}</h1>

        """

    static let bottom = """

        </main>
        </body>
        </html>

        """

    static let bodies: [String: String] = [
        "sign-in": """
        {{#message}}<p class="error" role="alert">{{message}}</p>{{/message}}
        {{#password}}
        <form method="post" action="/console/sign-in" class="sign-in">
        <input type="hidden" name="signin" value="{{signin}}">
        <label for="username">User name</label>
        <input id="username" name="username" autocomplete="username" required value="{{username}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Sign in</button>
        </form>
        <p>Sign in with your directory account.</p>
        {{/password}}
        {{#oidc}}<p><a class="button" href="/console/sign-in/oidc">{{oidc}}</a></p>{{/oidc}}
        """,
        "signed-in": """
        <p>You are signed in. <a href="/console">Continue to the control board</a>.</p>
        """,
        "error": """
        <p class="error" role="alert">{{message}}</p>
        <p><a href="/console">Back to the control board</a></p>
        """,
        "board": """
        <p>Every group by the ring its members are in: 1 inventory, 2 audit, 3 targeted policy, 4 enforcement.{{#more}} The first {{shown}} groups are shown.{{/more}}</p>
        <div class="board">
        {{#rings}}
        <section aria-labelledby="ring-{{number}}">
        <h2 id="ring-{{number}}">Ring {{number}} · {{name}}</h2>
        <p>{{groupCount}} groups, {{memberCount}} members</p>
        <ul>
        {{#groups}}<li><a href="/console/groups/{{path}}">{{name}}</a> <span>{{members}} members</span>
        {{#step}}<div class="step {{decision}}">→ ring {{target}}: {{summary}}{{#measured}}<br>coverage {{coverage}} · hooked {{hooked}} · {{candidates}} block candidates · {{openExceptions}} open exceptions{{/measured}}</div>{{/step}}</li>
        {{/groups}}
        </ul>
        </section>
        {{/rings}}
        </div>
        """,
        "fleet": """
        <dl class="counts">
        <dt>Hosts</dt><dd>{{summary.hosts}}</dd><dt>Connected</dt><dd>{{summary.connected}}</dd>
        <dt>Stale</dt><dd>{{summary.stale}}</dd><dt>Silent</dt><dd>{{summary.silent}}</dd>
        <dt>Drifted</dt><dd>{{summary.drifted}}</dd><dt>Users with no host</dt><dd>{{summary.missingUsers}}</dd>
        </dl>
        <form method="get" action="/console/fleet" class="filters">
        <label for="status">Status</label>
        <select id="status" name="status"><option value="">any</option>
        {{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}
        </select>
        <label for="agent">Agent</label><input id="agent" name="agent" value="{{agent}}">
        <label for="hostname">Host name starts with</label><input id="hostname" name="hostname" value="{{hostname}}">
        <button type="submit">Filter</button>
        </form>
        <table>
        <caption>Hosts{{#filtered}} (filtered){{/filtered}}</caption>
        <thead><tr><th scope="col">Host</th><th scope="col">Status</th><th scope="col">Ring</th><th scope="col">Agents</th><th scope="col">Users</th><th scope="col">Last heartbeat</th><th scope="col">Last policy fetch</th><th scope="col">Drifted files</th></tr></thead>
        <tbody>
        {{#hosts}}<tr><td><a href="/console/hosts/{{id}}">{{hostname}}</a></td><td>{{status}}</td><td>{{ring}}</td><td>{{agents}}</td><td>{{users}}</td><td>{{heartbeat}}</td><td>{{fetch}}</td><td>{{drifted}}</td></tr>
        {{/hosts}}
        </tbody>
        </table>
        {{#next}}<p><a href="{{next}}">Next page</a></p>{{/next}}
        """,
        "host": """
        <dl>
        <dt>Status</dt><dd>{{status}}</dd><dt>OS</dt><dd>{{os}}</dd><dt>Installer</dt><dd>{{installer}}</dd>
        <dt>Ring</dt><dd>{{ring}}</dd><dt>Tags</dt><dd>{{tags}}</dd><dt>Bound users</dt><dd>{{bound}}</dd>
        <dt>Last heartbeat</dt><dd>{{heartbeat}}</dd><dt>Last policy fetch</dt><dd>{{fetch}}</dd>
        </dl>
        <h2>Agents</h2>
        <table><thead><tr><th scope="col">Agent</th><th scope="col">Version</th><th scope="col">Hook</th><th scope="col">Model provider</th></tr></thead>
        <tbody>{{#agents}}<tr><td>{{kind}}</td><td>{{version}}</td><td>{{hookState}}</td><td>{{provider}}</td></tr>{{/agents}}</tbody></table>
        <h2>MCP servers</h2>
        <table><thead><tr><th scope="col">Agent</th><th scope="col">Name</th><th scope="col">Transport</th><th scope="col">Endpoint</th><th scope="col">Scope</th><th scope="col">Catalogue</th></tr></thead>
        <tbody>{{#mcpServers}}<tr><td>{{agent}}</td><td>{{name}}</td><td>{{transport}}</td><td>{{endpoint}}</td><td>{{scope}}</td><td>{{approved}}</td></tr>{{/mcpServers}}</tbody></table>
        <h2>Repositories</h2>
        <ul>{{#repositories}}<li>{{slug}}{{^managed}} (unmanaged){{/managed}}</li>{{/repositories}}</ul>
        <h2>Drifted files</h2>
        <ul>{{#drifted}}<li>{{.}}</li>{{/drifted}}</ul>
        """,
        "explain": """
        <form method="get" action="/console/explain" class="filters">
        <label for="user">User</label><input id="user" name="user" required value="{{form.user}}">
        <label for="host">Host id</label><input id="host" name="host" value="{{form.host}}">
        <label for="repository">Repository</label><input id="repository" name="repository" value="{{form.repository}}">
        <label for="agent">Agent</label><input id="agent" name="agent" value="{{form.agent}}">
        <label for="at">At (UTC, e.g. 2026-12-01T10:00:00Z)</label><input id="at" name="at" value="{{form.at}}">
        <button type="submit">Explain</button>
        </form>
        {{#resolution}}
        <h2>Effective policy</h2>
        <p>Ring {{ring}} ({{ringSource}}), revision {{revision}}, groups: {{groups}}</p>
        <table><caption>Surfaces</caption><thead><tr><th scope="col">Surface</th><th scope="col">Level</th><th scope="col">Rules</th></tr></thead>
        <tbody>{{#surfaces}}<tr><td>{{surface}}</td><td>{{level}}</td><td>{{rules}}</td></tr>{{/surfaces}}</tbody></table>
        <h2>Trace</h2>
        <table><thead><tr><th scope="col">Assignment</th><th scope="col">Priority</th><th scope="col">Outcome</th><th scope="col">Why</th></tr></thead>
        <tbody>{{#trace}}<tr><td>{{assignment}}</td><td>{{priority}}</td><td>{{outcome}}</td><td>{{reason}}</td></tr>{{/trace}}</tbody></table>
        {{/resolution}}
        """,
        "policy": """
        {{#canPublish}}<p><a href="/console/policy/publish">Publish a change</a></p>{{/canPublish}}
        <table><caption>Revisions, newest first</caption>
        <thead><tr><th scope="col">Revision</th><th scope="col">When</th><th scope="col">By</th><th scope="col">Comment</th><th scope="col">Changes</th>{{#canPublish}}<th scope="col">Roll back</th>{{/canPublish}}</tr></thead>
        <tbody>{{#revisions}}<tr><td><a href="/console/policy/{{number}}">{{number}}</a></td><td>{{at}}</td><td>{{by}}</td><td>{{comment}}</td><td>{{changeCount}}</td>{{#canPublish}}<td>{{^current}}<a href="/console/policy/{{number}}/rollback">Return to {{number}}</a>{{/current}}</td>{{/canPublish}}</tr>
        {{/revisions}}</tbody></table>
        {{#next}}<p><a href="{{next}}">Older revisions</a></p>{{/next}}
        """,
        "publish": """
        <p>Paste the policy: the files of a policy directory one after the other as YAML documents, each starting with <code>---</code>. Preview shows what would change and who; nothing is published until you confirm.</p>
        {{#hasProblems}}<div class="error" role="alert"><p>The policy does not validate:</p><ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul></div>{{/hasProblems}}
        <form method="post" action="/console/policy/publish">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="expected" value="{{current}}">
        <label for="policy">Policy (YAML)</label>
        <textarea id="policy" name="policy" rows="24" required>{{policy}}</textarea>
        {{#planned}}
        <h2>Changes against revision {{current}}</h2>
        <ul class="changes">{{#changes}}<li>{{.}}</li>{{/changes}}{{^changes}}<li>no difference</li>{{/changes}}</ul>
        <h2>Impact on last week's people and events</h2>
        <ul>{{#impact}}<li>{{.}}</li>{{/impact}}</ul>
        <table><caption>Every person whose level changes</caption><thead><tr><th scope="col">Person</th><th scope="col">Repository</th><th scope="col">Surface</th><th scope="col">From</th><th scope="col">To</th></tr></thead>
        <tbody>{{#people}}<tr><td>{{user}}</td><td>{{repository}}</td><td>{{surface}}</td><td>{{from}}</td><td>{{to}}</td></tr>{{/people}}</tbody></table>
        <label for="comment">Why (recorded with the revision)</label>
        <input id="comment" name="comment" maxlength="2000">
        <button type="submit" name="action" value="publish">Publish</button>
        {{/planned}}
        <button type="submit" name="action" value="preview">Preview</button>
        </form>
        """,
        "revision": """
        <p>By {{by}} at {{at}}{{#comment}}: “{{comment}}”{{/comment}}</p>
        <h2>What it changed</h2>
        <ul class="changes">{{#changes}}<li>{{.}}</li>{{/changes}}</ul>
        """,
        "rollback": """
        <p>Publishing a new revision equal to revision {{target}}; revision {{current}} stays in the history.</p>
        <h2>Changes</h2>
        <ul class="changes">{{#changes}}<li>{{.}}</li>{{/changes}}{{^changes}}<li>no difference</li>{{/changes}}</ul>
        <h2>Impact on last week's people and events</h2>
        <ul>{{#impact}}<li>{{.}}</li>{{/impact}}</ul>
        <form method="post" action="/console/policy/{{target}}/rollback">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="expected" value="{{current}}">
        <label for="comment">Why (recorded with the revision)</label>
        <input id="comment" name="comment" required maxlength="2000">
        <button type="submit">Roll back to revision {{target}}</button>
        </form>
        """,
        "exceptions": """
        <form method="get" action="/console/exceptions" class="filters">
        <label for="status">Status</label>
        <select id="status" name="status"><option value="">any</option>{{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/statuses}}</select>
        <button type="submit">Filter</button>
        </form>
        <table>
        <thead><tr><th scope="col">Request</th><th scope="col">Status</th><th scope="col">Requested</th><th scope="col">By</th><th scope="col">Rule</th><th scope="col">Repository</th><th scope="col">Decided by</th></tr></thead>
        <tbody>
        {{#requests}}<tr><td><a href="/console/exceptions/{{id}}">#{{id}}</a></td><td>{{status}}</td><td>{{requested}}</td><td>{{requester}}</td><td>{{rule}}</td><td>{{repo}}</td><td>{{decidedBy}}</td></tr>
        {{/requests}}
        {{^requests}}<tr><td colspan="7">No exception requests.</td></tr>{{/requests}}
        </tbody>
        </table>
        {{#next}}<p><a href="{{next}}">Older requests</a></p>{{/next}}
        """,
        "exception": """
        {{#request}}
        <dl><dt>Status</dt><dd>{{status}}</dd><dt>Requested</dt><dd>{{requested}} by {{requester}}</dd>
        <dt>Rule</dt><dd>{{rule}}</dd><dt>Repository</dt><dd>{{repo}}</dd><dt>Lasts</dt><dd>{{hours}} hours once approved</dd>
        {{#decidedBy}}<dt>Decided by</dt><dd>{{decidedBy}}{{#comment}}: “{{comment}}”{{/comment}}</dd>{{/decidedBy}}
        {{#revision}}<dt>Published in</dt><dd><a href="/console/policy/{{revision}}">revision {{revision}}</a>, until {{until}}</dd>{{/revision}}
        </dl>
        {{/request}}
        <h2>Justification</h2>
        <p>{{justification}}</p>
        <p>May decide: {{approvers}}{{^approvers}}no one (the requester's groups have no owner){{/approvers}}</p>
        {{#mayDecide}}
        <form method="post" action="/console/exceptions/{{#request}}{{id}}{{/request}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="comment">Comment (recorded and mailed)</label>
        <input id="comment" name="comment" maxlength="2000">
        <button type="submit" name="action" value="approve">Approve and publish</button>
        <button type="submit" name="action" value="deny">Deny</button>
        </form>
        {{/mayDecide}}
        """,
        "rollout": """
        {{#revision}}<p>The plan of revision {{revision}}; gates measured at {{asOf}} (at most 30 seconds ago).</p>{{/revision}}
        {{^steps}}<p>No rollout plan is in force.</p>{{/steps}}
        {{#steps}}
        <section class="step {{decision}}" aria-labelledby="step-{{path}}-{{target}}">
        <h2 id="step-{{path}}-{{target}}"><a href="/console/groups/{{path}}">{{group}}</a> → ring {{target}}</h2>
        <p>In ring {{ring}} now; not before {{after}}. <strong>{{summary}}</strong></p>
        {{#measured}}<p>Coverage {{coverage}} of members · hooked {{hooked}} of connected hosts · {{candidates}} block candidates · {{openExceptions}} open exceptions{{#noisiest}} · noisiest rule {{noisiest}}{{/noisiest}}</p>{{/measured}}
        <ul>{{#gates}}<li>{{#passed}}pass{{/passed}}{{^passed}}<strong>FAIL</strong>{{/passed}} {{gate}}: {{detail}}</li>{{/gates}}</ul>
        </section>
        {{/steps}}
        """,
        "group": """
        <dl><dt>Ring</dt><dd>{{ring}}</dd><dt>Members</dt><dd>{{memberCount}}</dd><dt>Owners</dt><dd>{{owners}}</dd><dt>DN</dt><dd>{{dn}}</dd></dl>
        <h2>This week's report</h2>
        {{#latest}}
        <p>Week {{week}} (as of {{asOf}}), ring {{ring}}.</p>
        <dl class="counts"><dt>Members</dt><dd>{{members}}</dd><dt>No host</dt><dd>{{missing}}</dd><dt>Connected hosts</dt><dd>{{connected}}</dd><dt>Stale</dt><dd>{{stale}}</dd><dt>Silent</dt><dd>{{silent}}</dd><dt>Drifted</dt><dd>{{drifted}}</dd>
        <dt>Events</dt><dd>{{events}}</dd><dt>Block candidates</dt><dd>{{candidates}}</dd><dt>Next ring: newly warned</dt><dd>{{newlyWarned}}</dd><dt>Next ring: newly blocked</dt><dd>{{newlyBlocked}}</dd></dl>
        {{#missingNames}}<p>Members with no host: {{missingNames}}</p>{{/missingNames}}
        <table><caption>Noisiest rules</caption>
        <thead><tr><th scope="col">Rule</th><th scope="col">Surface</th><th scope="col">Block candidates</th><th scope="col">People</th></tr></thead>
        <tbody>{{#noisy}}<tr><td>{{rule}}</td><td>{{surface}}</td><td>{{candidates}}</td><td>{{users}}</td></tr>{{/noisy}}{{^noisy}}<tr><td colspan="4">No block candidates.</td></tr>{{/noisy}}</tbody>
        </table>
        {{/latest}}
        {{^latest}}<p>No report was recorded for this group yet (reports are written weekly by <code>ringfence serve</code>, or by <code>ringfence report --record</code>).</p>{{/latest}}
        {{#hasWeeks}}
        <h2>Past weeks</h2>
        <table>
        <thead><tr><th scope="col">Week</th><th scope="col">Ring</th><th scope="col">Members</th><th scope="col">Covered</th><th scope="col">Connected hosts</th><th scope="col">Events</th><th scope="col">Block candidates</th><th scope="col">Next ring: newly blocked</th></tr></thead>
        <tbody>{{#weeks}}<tr><td>{{week}}</td><td>{{ring}}</td><td>{{members}}</td><td><meter min="0" max="100" value="{{covered}}" aria-label="covered in {{week}}">{{covered}} %</meter> {{covered}} %</td><td>{{connected}}</td><td>{{events}}</td><td>{{candidates}}</td><td>{{newlyBlocked}}</td></tr>{{/weeks}}</tbody>
        </table>
        {{/hasWeeks}}
        <h2>Members</h2>
        <table><thead><tr><th scope="col">Member</th><th scope="col">Ring (last report)</th></tr></thead>
        <tbody>{{#members}}<tr><td>{{name}}</td><td>{{ring}}</td></tr>{{/members}}</tbody></table>
        """,
    ]

    /// The console's icon: a ring.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="none" stroke="#1f3a5f" stroke-width="3"/></svg>
        """

    static let styleSheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #fafafa; }
        header { display: flex; gap: 1.5rem; align-items: center; padding: 0.75rem 1.5rem; background: #1f3a5f; color: #fff; }
        header a { color: #fff; }
        .brand { font-weight: 700; text-decoration: none; }
        .session { margin-left: auto; display: flex; gap: 0.75rem; align-items: center; }
        main { padding: 1rem 1.5rem; }
        .board { display: grid; grid-template-columns: repeat(4, 1fr); gap: 1rem; }
        .board section { background: #fff; border: 1px solid #c8c8c8; padding: 0.75rem; }
        .error { color: #8b0000; font-weight: 600; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.5rem; text-align: left; }
        .counts { display: grid; grid-template-columns: repeat(6, auto 1fr); }
        .sign-in { display: grid; max-width: 20rem; gap: 0.4rem; }
        textarea { width: 100%; font-family: monospace; }
        .filters { margin: 1rem 0; display: flex; gap: 0.5rem; align-items: center; flex-wrap: wrap; }
        a { color: #0b4f8a; }
        .step { font-size: 0.9rem; margin: 0.2rem 0 0.5rem; }
        .step.hold { color: #8b0000; }
        .step.promote { color: #1d5e20; }
        a.button { display: inline-block; padding: 0.4rem 0.8rem; border: 1px solid #0b4f8a; border-radius: 4px; }
        """
}
