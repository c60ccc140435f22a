#!/usr/bin/env python3
"""Logs through OpenTelemetry's Python SDK (LoggingHandler + BatchLogRecordProcessor + the OTLP/HTTP
protobuf exporter, gzip) to DataMP Admin's `POST /v1/logs` (used by OTLPInputTests).

    otlp_logs.py ENDPOINT TOKEN RUN COUNT

COUNT info records inside a span (so they carry its trace and span ids) with attributes, then one
error with an exception, all tagged `run=RUN`; resource service.name=checkout,
deployment.environment=staging. Prints the span's trace id (hex) on the last line.
"""
import logging
import sys

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider


def main() -> int:
    endpoint, token, run, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    resource = Resource.create({"service.name": "checkout", "deployment.environment": "staging", "host.name": "otlp-host-1"})
    provider = LoggerProvider(resource=resource)
    exporter = OTLPLogExporter(endpoint=endpoint, headers={"authorization": f"Bearer {token}"}, timeout=10,
                               compression=Compression.Gzip)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter, schedule_delay_millis=200))
    handler = LoggingHandler(level=logging.INFO, logger_provider=provider)
    logger = logging.getLogger("shop.checkout")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    tracer = TracerProvider(resource=resource).get_tracer("otlp-client")
    with tracer.start_as_current_span("checkout") as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
        for n in range(count):
            logger.info("otel event %d of %s", n, run, extra={"run": run, "n": n, "shop_id": 42})
        try:
            {}["missing"]
        except KeyError:
            logger.exception("otel failure of %s", run, extra={"run": run})
    provider.force_flush()
    provider.shutdown()
    print(trace_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
