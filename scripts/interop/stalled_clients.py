"""Stalled clients for scripts/scale-out: opens COUNT TCP connections to a gRPC port, sends
each the first 16 of the 24 bytes of the HTTP/2 client preface (RFC 9113 §3.4) and stalls.
Waits until the other side has closed every one (at most GUARD seconds, a guard against a
hang) and prints one JSON object: opened, closed, still_open and the seconds from opening
to being closed (min, median, max). Standard library only."""

import argparse
import json
import resource
import selectors
import socket
import statistics
import time

parser = argparse.ArgumentParser()
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--count", type=int, default=1000)
parser.add_argument("--guard", type=float, default=120)
arguments = parser.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
wanted = arguments.count + 64
if soft < wanted:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))

selector = selectors.DefaultSelector()
opened_at = {}
closed_after = []
for _ in range(arguments.count):
    connection = socket.create_connection((arguments.host, arguments.port), timeout=10)
    connection.sendall(b"PRI * HTTP/2.0\r\n")
    connection.setblocking(False)
    selector.register(connection, selectors.EVENT_READ)
    opened_at[connection] = time.monotonic()

deadline = time.monotonic() + arguments.guard
while opened_at and time.monotonic() < deadline:
    for key, _ in selector.select(timeout=1):
        connection = key.fileobj
        try:
            data = connection.recv(4096)
        except ConnectionError:
            data = b""
        except BlockingIOError:
            continue
        if data:
            continue  # whatever the peer says, the test waits for it to close
        closed_after.append(time.monotonic() - opened_at.pop(connection))
        selector.unregister(connection)
        connection.close()

summary = {
    "opened": arguments.count,
    "closed": len(closed_after),
    "still_open": len(opened_at),
    "closed_after": {
        "min": round(min(closed_after), 2) if closed_after else None,
        "median": round(statistics.median(closed_after), 2) if closed_after else None,
        "max": round(max(closed_after), 2) if closed_after else None,
    },
}
print(json.dumps(summary))
