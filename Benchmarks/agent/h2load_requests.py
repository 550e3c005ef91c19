#!/usr/bin/env python3
"""Prepares h2load's request bodies for scripts/bench-agent.

Enrols one host with an enrolment token (Python grpcio, stubs generated from proto/),
sends its heartbeat, and writes, into OUT:
  fetch.grpc   a gRPC message (5-byte prefix + protobuf) of a FetchPolicyRequest for alice
  health.grpc  a gRPC message of an empty HealthCheckRequest (the trivial baseline)
  api-key      the host's API key, for h2load's authorization header

Usage: h2load_requests.py --server HOST:PORT --token TOKEN --stubs DIR --out DIR
"""
import argparse
import os
import struct
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--server", required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--stubs", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
sys.path.insert(0, args.stubs)

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2  # noqa: E402
from ringfence.v1 import agent_pb2, agent_pb2_grpc, common_pb2  # noqa: E402


def frame(message):
    payload = message.SerializeToString()
    return struct.pack(">BI", 0, len(payload)) + payload


agents = agent_pb2_grpc.AgentServiceStub(grpc.insecure_channel(args.server))
host = agents.Enroll(agent_pb2.EnrollRequest(
    enrollment_token=args.token, installer_version="1.4.0",
    host=agent_pb2.HostIdentity(machine_id="h2load-bench", hostname="h2load.example.com", os="linux")))
metadata = (("authorization", f"Bearer {host.api_key}"),)
agents.Heartbeat(agent_pb2.HeartbeatRequest(host_id=host.host_id, inventory=agent_pb2.Inventory(
    hostname="h2load.example.com", os="linux", users=["alice"])), metadata=metadata)
fetch = agent_pb2.FetchPolicyRequest(host_id=host.host_id, context=common_pb2.DecisionContext(
    user="alice", repo="payments/api", agent_kind="claude-code"))
answer = agents.FetchPolicy(fetch, metadata=metadata)
assert answer.surfaces, "the fetch used for the load must resolve a policy"

with open(os.path.join(args.out, "fetch.grpc"), "wb") as out:
    out.write(frame(fetch))
with open(os.path.join(args.out, "health.grpc"), "wb") as out:
    out.write(frame(health_pb2.HealthCheckRequest()))
with open(os.path.join(args.out, "api-key"), "w") as out:
    out.write(host.api_key)
print(f"enrolled {host.host_id}; FetchPolicy resolves {len(answer.surfaces)} surfaces for alice")
