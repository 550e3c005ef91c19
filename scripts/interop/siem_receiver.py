#!/usr/bin/env python3
"""A receiver for Ringfence's event exports, checking the formats with code Ringfence did not
write: OTLP/HTTP JSON logs parsed strictly into the official ExportLogsServiceRequest
(opentelemetry-proto from PyPI, google.protobuf.json_format: an unknown or mistyped field
is refused), or Splunk HTTP Event Collector batches (token, envelope keys, types; the OCSF
Detection Finding's class, category and type ids).

  siem_receiver.py --kind otlp|hec --port N --out FILE [--token T]

Every accepted event appends one JSON line {"event_id", "host", "kind", ...} to FILE; a
refused request answers 400/401 with the reason and appends nothing. Prints "listening"
and the port (0 picks a free one) once it is bound. Used by Tests/RingfenceExportTests (started and stopped by them).
"""
import argparse
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2

HEC_KEYS = {"time", "host", "source", "sourcetype", "index", "event", "fields"}
lock = threading.Lock()


class Refused(Exception):
    pass


def otlp_records(body):
    request = logs_service_pb2.ExportLogsServiceRequest()
    try:
        json_format.Parse(body, request, ignore_unknown_fields=False)
    except json_format.ParseError as error:
        raise Refused(f"not an ExportLogsServiceRequest: {error}")
    lines = []
    for resource in request.resource_logs:
        resource_attributes = {a.key: a.value.string_value for a in resource.resource.attributes}
        if resource_attributes.get("service.name") != "ringfence" or not resource_attributes.get("host.id"):
            raise Refused("resource without service.name=ringfence and host.id")
        for scope in resource.scope_logs:
            for record in scope.log_records:
                attributes = {a.key: a.value for a in record.attributes}
                if record.event_name != "ringfence.agent.decision" or record.time_unix_nano == 0:
                    raise Refused("log record without its event name or time")
                if "ringfence.event.id" not in attributes or "gen_ai.operation.name" not in attributes:
                    raise Refused("log record without ringfence.event.id or gen_ai.operation.name")
                lines.append({
                    "kind": "otlp",
                    "event_id": attributes["ringfence.event.id"].string_value,
                    "host": resource_attributes["host.id"],
                    "severity": record.severity_number,
                    "verdict": attributes["ringfence.verdict"].string_value,
                })
    return lines


def hec_events(body, token, authorization):
    if authorization != f"Splunk {token}":
        raise PermissionError("Invalid authorization")
    text = body.decode("utf-8")
    decoder = json.JSONDecoder()
    position, lines = 0, []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        try:
            envelope, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise Refused(f"not JSON at {position}: {error}")
        if not isinstance(envelope, dict) or set(envelope) - HEC_KEYS or "event" not in envelope:
            raise Refused(f"not a HEC event envelope: keys {sorted(envelope) if isinstance(envelope, dict) else envelope}")
        if not isinstance(envelope.get("time"), (int, float)):
            raise Refused("time is not epoch seconds")
        event = envelope["event"]
        if envelope.get("sourcetype") == "ocsf:detection_finding":
            if (event.get("class_uid"), event.get("category_uid"), event.get("type_uid")) != (2004, 2, 200401):
                raise Refused("not an OCSF Detection Finding (class 2004, category 2, type 200401)")
            if not isinstance(event.get("time"), int) or "finding_info" not in event or "metadata" not in event:
                raise Refused("OCSF finding without time, finding_info or metadata")
            event_id = event["metadata"]["uid"]
        elif envelope.get("sourcetype") == "ringfence:agent:decision":
            event_id = event["eventID"]
        else:
            raise Refused(f"unknown sourcetype {envelope.get('sourcetype')}")
        lines.append({"kind": "hec", "event_id": event_id, "host": envelope.get("host"),
                      "sourcetype": envelope["sourcetype"], "index": envelope.get("index")})
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["otlp", "hec"], required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--token", default="")
    options = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                if options.kind == "otlp":
                    if self.path != "/v1/logs" or self.headers.get("Content-Type") != "application/json":
                        raise Refused(f"expected POST /v1/logs with application/json, got {self.path}")
                    lines = otlp_records(body)
                else:
                    if self.path != "/services/collector/event":
                        raise Refused(f"expected POST /services/collector/event, got {self.path}")
                    lines = hec_events(body, options.token, self.headers.get("Authorization"))
            except PermissionError as error:
                self.answer(401, {"text": str(error), "code": 3})
                return
            except (Refused, KeyError, TypeError, AttributeError) as error:
                print(f"refused: {error}", file=sys.stderr, flush=True)
                self.answer(400, {"text": str(error), "code": 6})
                return
            with lock, open(options.out, "a") as out:
                for line in lines:
                    out.write(json.dumps(line) + "\n")
                out.flush()
                os.fsync(out.fileno())
            self.answer(200, {} if options.kind == "otlp" else {"text": "Success", "code": 0})

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
