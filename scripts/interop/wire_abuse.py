#!/usr/bin/env python3
"""Hostile bytes on the gRPC port of a running `ringfence serve`, written by hand below
gRPC and HTTP/2 libraries: garbage instead of the HTTP/2 preface, garbage frames after it,
gRPC messages whose length prefix promises more than is sent, a length prefix of 2 GiB,
a compressed-flag message, a frame of unknown type (to be ignored), and connections that
send a byte or half a frame and stall. After each,
the server must still answer a health check (grpcio). Each check prints one line; exit 1
if any fails.

Usage: wire_abuse.py --server HOST:PORT --stubs DIR
"""
import argparse
import os
import socket
import struct
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--server", required=True)
parser.add_argument("--stubs", required=True)
args = parser.parse_args()
sys.path.insert(0, args.stubs)

import grpc  # noqa: E402
from grpc_health.v1 import health_pb2, health_pb2_grpc  # noqa: E402

host, port = args.server.rsplit(":", 1)
port = int(port)
failures = []

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, SETTINGS, PING, GOAWAY, RST_STREAM = 0x0, 0x1, 0x4, 0x6, 0x7, 0x3
END_STREAM, END_HEADERS = 0x1, 0x4


def check(name, condition, detail=""):
    print(("ok    " if condition else "FAIL  ") + name + (f"  ({detail})" if detail and not condition else ""))
    if not condition:
        failures.append(name)


def frame(kind, flags, stream, payload):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def literal(name, value):
    """HPACK literal header field without indexing, new name, no Huffman coding (RFC 7541 6.2.2)."""
    def string(text):
        data = text.encode()
        assert len(data) < 127
        return bytes([len(data)]) + data
    return b"\x00" + string(name) + string(value)


def request_headers(path):
    block = b"".join(literal(n, v) for n, v in [
        (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", f"{host}:{port}"),
        ("content-type", "application/grpc"), ("te", "trailers")])
    return frame(HEADERS, END_HEADERS, 1, block)


def read_frames(sock, seconds):
    """Frames the server sends until it closes, resets stream 1, ends it, or `seconds` pass."""
    sock.settimeout(seconds)
    deadline = time.time() + seconds
    buffer = b""
    kinds = []
    try:
        while time.time() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                kinds.append("closed")
                return kinds
            buffer += chunk
            while len(buffer) >= 9:
                length = int.from_bytes(buffer[:3], "big")
                if len(buffer) < 9 + length:
                    break
                kind, flags, stream = buffer[3], buffer[4], int.from_bytes(buffer[5:9], "big") & 0x7FFFFFFF
                payload = buffer[9:9 + length]
                buffer = buffer[9 + length:]
                if kind == GOAWAY:
                    kinds.append("goaway")
                    return kinds
                if kind == RST_STREAM and stream == 1:
                    kinds.append("rst_stream")
                    return kinds
                if kind == HEADERS and stream == 1 and flags & END_STREAM:
                    kinds.append("trailers")
                    return kinds
                if kind == SETTINGS and not flags & 0x1:
                    sock.sendall(frame(SETTINGS, 0x1, 0, b""))   # ack
                kinds.append(kind)
    except socket.timeout:
        kinds.append("timeout")
    except ConnectionResetError:
        kinds.append("closed")
    return kinds


def connect():
    sock = socket.create_connection((host, port), timeout=5)
    return sock


def healthy(after):
    with grpc.insecure_channel(args.server) as channel:
        status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""), timeout=5).status
    check(f"server still SERVING after {after}", status == health_pb2.HealthCheckResponse.SERVING)


def ended(kinds):
    return any(k in ("closed", "goaway", "rst_stream", "trailers") for k in kinds)


# 1. Random bytes instead of the preface (a full preface's worth or more: shorter input is
#    an incomplete preface the server waits for, see 4).
for size in (24, 1000, 65536):
    with connect() as sock:
        sock.sendall(os.urandom(size))
        kinds = read_frames(sock, 5)
    check(f"{size} random bytes instead of the HTTP/2 preface: connection ended", ended(kinds), str(kinds))
healthy("random preface bytes")

# 2. Preface, then garbage frames (unknown types, huge lengths, frames on stream 0 that need a stream).
for name, payload in [
    ("a DATA frame on stream 0", frame(DATA, 0, 0, b"xx")),
    ("a frame longer than the maximum frame size", struct.pack(">I", 0xFFFFFF)[1:] + bytes([DATA, 0]) + struct.pack(">I", 1) + os.urandom(100)),
    ("a HEADERS frame with broken HPACK", frame(HEADERS, END_HEADERS | END_STREAM, 1, b"\xff\xff\xff\xff\xff")),
    ("random bytes after SETTINGS", os.urandom(4096)),
]:
    with connect() as sock:
        sock.sendall(PREFACE + frame(SETTINGS, 0, 0, b"") + payload)
        kinds = read_frames(sock, 5)
    check(f"preface then {name}: connection or stream ended", ended(kinds), str(kinds))
healthy("garbage frames")

# Frames of unknown type must be ignored (RFC 9113, 4.1): the connection stays usable.
with connect() as sock:
    sock.sendall(PREFACE + frame(SETTINGS, 0, 0, b"") + frame(0xEE, 0, 1, os.urandom(32)) + frame(PING, 0, 0, b"rfping01"))
    sock.settimeout(5)
    received = b""
    deadline = time.time() + 5
    while b"rfping01" not in received and time.time() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
check("preface then a frame of unknown type: ignored, a PING after it is answered", b"rfping01" in received)

# 3. Well-formed HTTP/2 carrying broken gRPC messages for FetchPolicy.
path = "/ringfence.v1.AgentService/FetchPolicy"
for name, body in [
    ("a length prefix promising 100 bytes, 3 sent", b"\x00" + struct.pack(">I", 100) + b"abc"),
    ("a truncated length prefix", b"\x00\x00\x00"),
    ("a length prefix of 2 GiB", b"\x00" + struct.pack(">I", 0x7FFFFFFF) + os.urandom(64)),
    ("a message flagged compressed with no encoding agreed", b"\x01" + struct.pack(">I", 4) + b"abcd"),
    ("protobuf garbage of the stated length", b"\x00" + struct.pack(">I", 16) + b"\xff" * 16),
]:
    with connect() as sock:
        sock.sendall(PREFACE + frame(SETTINGS, 0, 0, b"") + request_headers(path) + frame(DATA, END_STREAM, 1, body))
        kinds = read_frames(sock, 10)
    check(f"FetchPolicy with {name}: answered with an error", ended(kinds), str(kinds))
healthy("broken gRPC messages")

# 4. Half a preface, half a frame, then silence: other clients are served meanwhile.
stalled = [connect(), connect()]
stalled[0].sendall(PREFACE[:1])
stalled[1].sendall(PREFACE + frame(SETTINGS, 0, 0, b"") + request_headers(path)[:7])
healthy("connections that sent one byte, or half a frame, and stalled")
for sock in stalled:
    sock.close()

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
