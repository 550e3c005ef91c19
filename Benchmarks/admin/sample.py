"""Latency sampler for the admin API (scripts/bench-admin): for each kind of page, REQUESTS
requests over one keep-alive HTTP/1.1 connection (as a console's server would make them),
timed on the client, then p50 / p95 / p99 / max. Python's standard library only.

    sample.py URL TOKEN REQUESTS [MANAGER_TOKEN]
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

url, token, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
manager = sys.argv[4] if len(sys.argv) > 4 else None
parsed = urllib.parse.urlparse(url)
connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def call(method, path, body=None, as_token=None):
    started = time.perf_counter()
    sent = dict(headers, Authorization=f"Bearer {as_token}") if as_token else headers
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
    response = connection.getresponse()
    data = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{method} {path}: {response.status} {data[:300]!r}")
    return elapsed, json.loads(data)


# Cursors deep in the lists: the page after 50,000 hosts and after 250 groups.
cursor = None
for _ in range(100):
    _, page = call("GET", "/api/v1/hosts?limit=500" + (f"&cursor={cursor}" if cursor else ""))
    cursor = page.get("nextCursor")
deep_hosts = cursor
cursor = None
for _ in range(5):
    _, page = call("GET", "/api/v1/groups?limit=50" + (f"&cursor={cursor}" if cursor else ""))
    cursor = page.get("nextCursor")
deep_groups = cursor
cursor = None
for _ in range(10):
    _, page = call("GET", "/api/v1/exceptions?limit=500" + (f"&cursor={cursor}" if cursor else ""))
    cursor = page.get("nextCursor")
deep_exceptions = cursor
_, first = call("GET", "/api/v1/hosts?limit=50")
host = first["items"][7]["id"]

pages = [
    ("fleet summary", "GET", "/api/v1/fleet", None),
    ("hosts, first page (50)", "GET", "/api/v1/hosts?limit=50", None),
    ("hosts, page after 50,000", "GET", f"/api/v1/hosts?limit=50&cursor={deep_hosts}", None),
    ("hosts, status=stale", "GET", "/api/v1/hosts?limit=50&status=stale", None),
    ("hosts, status=silent", "GET", "/api/v1/hosts?limit=50&status=silent", None),
    ("hosts, agent=claude-code", "GET", "/api/v1/hosts?limit=50&agent=claude-code", None),
    ("hosts, hostname prefix h9999", "GET", "/api/v1/hosts?limit=50&hostname=h9999", None),
    ("hosts, user=u77777", "GET", "/api/v1/hosts?limit=50&user=u77777", None),
    ("host detail", "GET", f"/api/v1/hosts/{host}", None),
    ("groups, first page (50)", "GET", "/api/v1/groups?limit=50", None),
    ("groups, page after 250", "GET", f"/api/v1/groups?limit=50&cursor={deep_groups}", None),
    ("group detail (~400 members)", "GET", "/api/v1/groups/g7", None),
    ("revisions (50)", "GET", "/api/v1/revisions?limit=50", None),
    ("resolve with trace", "POST", "/api/v1/resolve", {"user": "u7", "trace": True}),
    ("rollout status (3 steps measured)", "GET", "/api/v1/rollout", None),
    ("exceptions, first page (50)", "GET", "/api/v1/exceptions?limit=50", None),
    ("exceptions, status=pending", "GET", "/api/v1/exceptions?limit=50&status=pending", None),
    ("exceptions, page after 5,000", "GET", f"/api/v1/exceptions?limit=50&cursor={deep_exceptions}", None),
    ("one exception with approvers", "GET", "/api/v1/exceptions/5000", None),
    ("group reports (12 weeks)", "GET", "/api/v1/groups/g7/reports", None),
]

print(f"{'page':34} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
worst = 0.0
if manager:
    pages += [
        ("manager: exceptions they decide", "GET", "/api/v1/exceptions?limit=50", None, manager),
        ("manager: their group's reports", "GET", "/api/v1/groups/g7/reports", None, manager),
    ]

for label, method, path, body, *who in pages:
    as_token = who[0] if who else None
    # The first request warms the plan cache and fills what the server caches (the fleet's
    # counts, the rollout's gates): its time is that of an uncached answer.
    first = call(method, path, body, as_token)[0] * 1000
    times = sorted(call(method, path, body, as_token)[0] * 1000 for _ in range(requests))
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    p99 = times[max(0, int(len(times) * 0.99) - 1)]
    worst = max(worst, p95)
    print(f"{label:34} {first:9.1f} {statistics.median(times):8.1f} {p95:8.1f} {p99:8.1f} {times[-1]:8.1f}")
print(f"worst p95: {worst:.1f} ms (goal ≤ 200 ms)")
