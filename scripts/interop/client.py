#!/usr/bin/env python3
"""Drives Ringfence's agent service with Python grpcio and stubs generated from proto/.

Usage: client.py --server HOST:PORT --tokens FILE --stubs DIR

Each check prints one line; the script exits 1 if any check fails. Nothing here is
shared with the Swift code: the stubs come from proto/ through grpc_tools.protoc.
"""
import argparse
import sys
import uuid

parser = argparse.ArgumentParser()
parser.add_argument("--server", required=True)
parser.add_argument("--tokens", required=True)
parser.add_argument("--stubs", required=True)
args = parser.parse_args()
sys.path.insert(0, args.stubs)

import grpc  # noqa: E402
from google.protobuf.timestamp_pb2 import Timestamp  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402
from ringfence.v1 import agent_pb2, agent_pb2_grpc, common_pb2  # noqa: E402

failures = []


def check(name, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + name + (f"  ({detail})" if detail and not condition else ""))
    if not condition:
        failures.append(name)


def expect_code(name, code, call):
    try:
        call()
        check(name, False, f"expected {code.name}, the call succeeded")
    except grpc.RpcError as error:
        check(name, error.code() == code, f"expected {code.name}, got {error.code().name}: {error.details()}")


def now():
    stamp = Timestamp()
    stamp.GetCurrentTime()
    return stamp


def bearer(key):
    return (("authorization", f"Bearer {key}"),)


def event(event_id, verdict=common_pb2.VERDICT_BLOCK_CANDIDATE):
    return agent_pb2.AuditEvent(
        event_id=event_id, occurred_at=now(), user="alice", agent_kind="claude-code", agent_version="2.0.1",
        surface="risky_shell", pack="shell-baseline", pack_version=1,
        rule_id="" if verdict == common_pb2.VERDICT_PASS else "RS-1", repo="payments/api", verdict=verdict,
        applied_level=common_pb2.LEVEL_OBSERVE, uncapped_level=common_pb2.LEVEL_BLOCK, summary="rm -rf build")


tokens = [line.strip() for line in open(args.tokens) if line.strip()]
assert len(tokens) >= 2, "need two enrolment tokens"
channel = grpc.insecure_channel(args.server)
agents = agent_pb2_grpc.AgentServiceStub(channel)
health = health_pb2_grpc.HealthStub(channel)

# Health
check("health: server is SERVING", health.Check(health_pb2.HealthCheckRequest(service="")).status
      == health_pb2.HealthCheckResponse.SERVING)
check("health: ringfence.v1.AgentService is SERVING",
      health.Check(health_pb2.HealthCheckRequest(service="ringfence.v1.AgentService")).status
      == health_pb2.HealthCheckResponse.SERVING)
expect_code("health: an unknown service is NOT_FOUND", grpc.StatusCode.NOT_FOUND,
            lambda: health.Check(health_pb2.HealthCheckRequest(service="no.such.Service")))

# Enrol two hosts
suffix = uuid.uuid4().hex[:8]
expect_code("enrol: a made-up token is UNAUTHENTICATED", grpc.StatusCode.UNAUTHENTICATED,
            lambda: agents.Enroll(agent_pb2.EnrollRequest(enrollment_token="rfe_" + "A" * 43,
                                                          host=agent_pb2.HostIdentity(machine_id="x", hostname="x"))))
hosts = []
for index, token in enumerate(tokens[:2]):
    response = agents.Enroll(agent_pb2.EnrollRequest(
        enrollment_token=token, installer_version="1.4.0",
        host=agent_pb2.HostIdentity(machine_id=f"py-{suffix}-{index}", hostname=f"py-{index}.example.com",
                                    os="linux", os_version="12", arch="x86_64")))
    hosts.append(response)
check("enrol: two hosts get ids and keys", all(h.host_id and h.api_key.startswith("rf_") for h in hosts))
expect_code("enrol: a used token is UNAUTHENTICATED", grpc.StatusCode.UNAUTHENTICATED,
            lambda: agents.Enroll(agent_pb2.EnrollRequest(
                enrollment_token=tokens[0], host=agent_pb2.HostIdentity(machine_id="again", hostname="again"))))
a, b = hosts

# Heartbeat
inventory = agent_pb2.Inventory(
    hostname="py-0.example.com", os="linux", os_version="12", installer_version="1.4.0", provider="ansible", users=["alice"],
    agents=[agent_pb2.AgentInstall(kind="claude-code", version="2.0.1", hook_state=common_pb2.HOOK_STATE_INSTALLED,
                                   hook_version="1.4.0")],
    mcp_servers=[agent_pb2.McpServer(name="github", agent_kind="claude-code", transport="http",
                                     endpoint="https://api.githubcopilot.com/mcp/", scope="managed")],
    repos=[agent_pb2.RepoSeen(slug="payments/api", remote_url="git@github.com:example/payments-api.git", managed=True,
                              last_seen=now())])
beat = agents.Heartbeat(agent_pb2.HeartbeatRequest(host_id=a.host_id, sent_at=now(), inventory=inventory),
                        metadata=bearer(a.api_key))
check("heartbeat: answered with the policy revision and next interval",
      beat.policy_revision >= 1 and beat.next_heartbeat_seconds > 0, str(beat))
expect_code("heartbeat: no key is UNAUTHENTICATED", grpc.StatusCode.UNAUTHENTICATED,
            lambda: agents.Heartbeat(agent_pb2.HeartbeatRequest(host_id=a.host_id, inventory=inventory)))
expect_code("heartbeat: host A's key for host B is PERMISSION_DENIED", grpc.StatusCode.PERMISSION_DENIED,
            lambda: agents.Heartbeat(agent_pb2.HeartbeatRequest(host_id=b.host_id, inventory=inventory),
                                     metadata=bearer(a.api_key)))

# FetchPolicy, then not modified
context = common_pb2.DecisionContext(user="alice", repo="payments/api", agent_kind="claude-code")
policy = agents.FetchPolicy(agent_pb2.FetchPolicyRequest(host_id=a.host_id, context=context, include_trace=True),
                            metadata=bearer(a.api_key))
check("fetch: surfaces, ring, etag, trace id and trace",
      len(policy.surfaces) > 0 and 1 <= policy.ring <= 4 and policy.etag and policy.trace_id and len(policy.trace) > 0,
      f"{len(policy.surfaces)} surfaces, ring {policy.ring}")
check("fetch: every surface has a level", all(s.level != common_pb2.LEVEL_UNSPECIFIED for s in policy.surfaces))
again = agents.FetchPolicy(agent_pb2.FetchPolicyRequest(host_id=a.host_id, context=context, if_none_match=policy.etag),
                           metadata=bearer(a.api_key))
check("fetch: the same etag is 'not modified' with no surfaces",
      again.not_modified and again.etag == policy.etag and len(again.surfaces) == 0)
stale = agents.FetchPolicy(agent_pb2.FetchPolicyRequest(host_id=a.host_id, context=context, if_none_match="stale"),
                           metadata=bearer(a.api_key))
check("fetch: another etag gets the full policy", not stale.not_modified and len(stale.surfaces) == len(policy.surfaces))
expect_code("fetch: an empty user is INVALID_ARGUMENT", grpc.StatusCode.INVALID_ARGUMENT,
            lambda: agents.FetchPolicy(agent_pb2.FetchPolicyRequest(host_id=a.host_id, context=common_pb2.DecisionContext()),
                                       metadata=bearer(a.api_key)))

# ReportEvents: a client stream of batches
ids = [f"py-{suffix}-{n}" for n in range(250)]


def batches(host, id_list, size=100):
    for start in range(0, len(id_list), size):
        yield agent_pb2.ReportEventsRequest(host_id=host, events=[event(i) for i in id_list[start:start + size]])


first = agents.ReportEvents(batches(a.host_id, ids), metadata=bearer(a.api_key))
check("events: 250 received and stored", first.received == 250 and first.stored == 250 and first.duplicates == 0, str(first))
second = agents.ReportEvents(batches(a.host_id, ids[:50] + [f"py-{suffix}-new"]), metadata=bearer(a.api_key))
check("events: resent ids are duplicates, stored once", second.stored == 1 and second.duplicates == 50, str(second))
bad = event(f"py-{suffix}-bad")
bad.surface = "Not A Surface"
third = agents.ReportEvents(iter([agent_pb2.ReportEventsRequest(host_id=a.host_id, events=[bad, event(f"py-{suffix}-ok")])]),
                            metadata=bearer(a.api_key))
check("events: an invalid event is rejected with a reason, the rest stored",
      third.stored == 1 and len(third.rejected) == 1 and third.rejected[0].event_id == bad.event_id, str(third))
expect_code("events: host A's key for host B is PERMISSION_DENIED", grpc.StatusCode.PERMISSION_DENIED,
            lambda: agents.ReportEvents(batches(b.host_id, ids[:1]), metadata=bearer(a.api_key)))

# RotateKey: the new key works, the old one during the overlap
rotated = agents.RotateKey(agent_pb2.RotateKeyRequest(host_id=b.host_id), metadata=bearer(b.api_key))
check("rotate: a new key, different from the old", rotated.api_key.startswith("rf_") and rotated.api_key != b.api_key)
for label, key in (("new", rotated.api_key), ("old (overlap)", b.api_key)):
    beat = agents.Heartbeat(agent_pb2.HeartbeatRequest(host_id=b.host_id, sent_at=now(), inventory=inventory),
                            metadata=bearer(key))
    check(f"rotate: the {label} key is accepted", beat.policy_revision >= 1)
expect_code("auth: a well-formed unknown key is UNAUTHENTICATED", grpc.StatusCode.UNAUTHENTICATED,
            lambda: agents.Heartbeat(agent_pb2.HeartbeatRequest(host_id=b.host_id, inventory=inventory),
                                     metadata=bearer("rf_abcdefgh_" + "a" * 43)))

print(f"\n{'FAILED' if failures else 'passed'}: {len(failures)} of the checks failed" if failures
      else "\npassed: every check held")
sys.exit(1 if failures else 0)
