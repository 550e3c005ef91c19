"""Runs scim2-tester (an independent SCIM 2.0 compliance checker from PyPI) against a
SCIM endpoint and prints one line per check; exits 1 when a check fails that
docs/scim.md does not list as not applying (KNOWN below, by title).

usage: check.py BASE_URL TOKEN
"""

import sys
import time

import httpx2
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

# Checks that do not apply to Ringfence, with the reason (docs/scim.md, "Compliance").
KNOWN: dict[str, str] = {}


def main() -> int:
    base, token = sys.argv[1], sys.argv[2]
    http = httpx2.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    # The listener starts beside the agent port: wait (at most a minute) until it answers.
    deadline = time.monotonic() + 60
    while True:
        try:
            http.get("/ServiceProviderConfig")
            break
        except httpx2.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    client = SyncSCIMClient(http)
    results = check_server(client)
    failed = 0
    counts: dict[str, int] = {}
    for result in results:
        status = result.status.name
        counts[status] = counts.get(status, 0) + 1
        known = KNOWN.get(result.title)
        line = f"{status:8} {result.title}"
        if result.status in (Status.ERROR, Status.CRITICAL) and not known:
            failed += 1
            line += f"  -- {result.reason}"
        elif known:
            line += f"  (does not apply: {known})"
        print(line)
    print("scim2-tester:", ", ".join(f"{n} {s.lower()}" for s, n in sorted(counts.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
