"""Provisions users and groups through a SCIM endpoint the way an identity provider's
initial cycle does — for each user a lookup by userName, then a POST; then each group
POSTed with its members — from CONCURRENCY connections, and prints the throughput and
latency of each phase.

usage: provision.py BASE_URL TOKEN USERS GROUPS MEMBERS_PER_GROUP CONCURRENCY
"""

import json
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2


def main() -> None:
    base, token = sys.argv[1], sys.argv[2]
    users, groups, per_group, concurrency = (int(value) for value in sys.argv[3:7])
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    clients = [httpx2.Client(base_url=base, headers=headers, timeout=120) for _ in range(concurrency)]

    def run(name: str, count: int, request) -> list:
        latencies: list[float] = []
        results: list = [None] * count

        def worker(lane: int) -> None:
            client = clients[lane]
            for index in range(lane, count, concurrency):
                started = time.perf_counter()
                results[index] = request(client, index)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            for future in [pool.submit(worker, lane) for lane in range(concurrency)]:
                future.result()
        elapsed = time.perf_counter() - started
        latencies.sort()
        p50 = statistics.median(latencies) * 1000
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0
        print(f"{name}: {count} in {elapsed:.1f} s, {count / elapsed:.0f}/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms", flush=True)
        return results

    def create_user(client, index: int) -> str:
        name = f"user{index:06d}@bench.example.com"
        lookup = client.get("/Users", params={"filter": f'userName eq "{name}"'})
        assert lookup.status_code == 200 and lookup.json()["totalResults"] == 0, lookup.text
        body = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": name, "externalId": f"ext-{index}", "active": True,
            "name": {"givenName": f"Given{index}", "familyName": f"Family{index}"},
            "emails": [{"value": name, "type": "work", "primary": True}],
        }
        response = client.post("/Users", content=json.dumps(body))
        assert response.status_code == 201, response.text
        return response.json()["id"]

    ids = run("users (lookup + create)", users, create_user)

    def create_group(client, index: int) -> str:
        members = [{"value": ids[(index * per_group + offset) % len(ids)]} for offset in range(per_group)]
        body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": f"group{index:05d}", "members": members}
        response = client.post("/Groups", content=json.dumps(body))
        assert response.status_code == 201, response.text
        return response.json()["id"]

    run(f"groups with {per_group} members each", groups, create_group)


if __name__ == "__main__":
    main()
