#!/usr/bin/env python3
"""The benchmark's NDJSON events as one OTLP ExportLogsServiceRequest in protobuf (scripts/bench
shipping): a ResourceLogs per service and host, a ScopeLogs per logger, the same fields as records
(severity number, body, trace id, attributes).

    bench_otlp_body.py EVENTS.ndjson OUT.pb
"""
import datetime
import json
import sys
from collections import defaultdict

from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

SEVERITY = {"debug": 5, "info": 9, "warning": 13, "error": 17, "critical": 21}


def value(v) -> AnyValue:
    return AnyValue(int_value=v) if isinstance(v, int) else AnyValue(string_value=str(v))


def main() -> int:
    events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    groups = defaultdict(lambda: defaultdict(list))
    for e in events:
        groups[(e["service"], e["host"])][e["logger"]].append(e)
    request = ExportLogsServiceRequest()
    for (service, host), loggers in groups.items():
        resource_logs = request.resource_logs.add()
        resource_logs.resource.attributes.extend([KeyValue(key="service.name", value=value(service)),
                                                  KeyValue(key="host.name", value=value(host))])
        for logger, records in loggers.items():
            scope_logs = resource_logs.scope_logs.add()
            scope_logs.scope.name = logger
            for e in records:
                record = scope_logs.log_records.add()
                ts = datetime.datetime.strptime(e["@timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
                record.time_unix_nano = int(ts.timestamp() * 1e9)
                record.severity_number = SEVERITY.get(e["level"], 9)
                record.severity_text = e["level"].upper()
                record.body.string_value = e["message"]
                record.trace_id = bytes.fromhex(e["trace_id"])
                for key in ("request_id", "shop_id", "http_method", "http_path", "status_code", "duration_ms"):
                    record.attributes.append(KeyValue(key=key.replace("http_", "http.", 1), value=value(e[key])))
    with open(sys.argv[2], "wb") as f:
        f.write(request.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
