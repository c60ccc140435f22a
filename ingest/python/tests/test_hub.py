"""The package against the real hub (`admin serve` on the test's own stores): what a Django service
logs arrives once, with its traceback and request context, also across a hub outage and a restart of
the service itself."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

from datamp_logging import AdminHandler
from conftest import make_logger, wait_for

pytestmark = pytest.mark.hub

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")



def test_a_django_view_that_raises_arrives_with_its_traceback_and_request_context(hub, token, archive, monkeypatch):
    monkeypatch.setenv("DATAMP_ADMIN_URL", hub.url)
    monkeypatch.setenv("DATAMP_INGEST_TOKEN", token)
    monkeypatch.setenv("DATAMP_SERVICE", "core")
    monkeypatch.setenv("DATAMP_ENVIRONMENT", "test")
    monkeypatch.setenv("DATAMP_SPOOL_DIR", "")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "djangoapp.settings")
    import django
    from django.test import Client
    django.setup()

    trace_id = uuid.uuid4().hex
    request_id = "req-" + uuid.uuid4().hex[:12]
    response = Client(raise_request_exception=False).post(
        "/payments/77/capture", data={"password": "hunter2"},
        HTTP_X_REQUEST_ID=request_id, HTTP_TRACEPARENT=f"00-{trace_id}-00f067aa0ba902b7-01",
        HTTP_COOKIE="sessionid=very-secret")
    assert response.status_code == 500
    assert response["X-Request-ID"] == request_id
    assert response["traceparent"].startswith(f"00-{trace_id}-")
    for handler in logging.getLogger().handlers:
        handler.flush()

    docs = wait_for(lambda: list(archive.find({"http.request.id": request_id})) if
                    len(list(archive.find({"http.request.id": request_id}))) >= 2 else None,
                    what="the view's two events in MongoDB")
    time.sleep(1)  # a duplicate (Django's own log of the same exception) would arrive within this
    docs = list(archive.find({"http.request.id": request_id}))
    errors = [d for d in docs if d["log"]["level"] == "error"]
    infos = [d for d in docs if d["log"]["level"] == "info"]
    assert len(errors) == 1, [d["message"] for d in docs]  # logged once, not again by django.request
    assert len(infos) == 1 and infos[0]["message"] == "capturing payment 77"
    error = errors[0]
    assert error["error"]["type"] == "ValueError"
    assert error["error"]["message"] == "card declined for payment 77"
    stack = error["error"]["stack_trace"]
    assert "views.py" in stack and "in capture" in stack and "in _charge" in stack
    assert stack.index("in capture") < stack.index("in _charge")  # Python's order, innermost last
    assert error["trace"]["id"] == trace_id and infos[0]["trace"]["id"] == trace_id
    assert error["service"] == {"name": "core", "environment": "test"}
    assert error["labels"]["http_request_method"] == "POST"
    assert error["labels"]["url_path"] == "/payments/77/capture"
    assert infos[0]["labels"]["shop_id"] == "42"
    stored = repr(docs)
    assert "hunter2" not in stored and "very-secret" not in stored  # no bodies, no cookies


def test_what_is_logged_while_the_hub_is_down_arrives_once_when_it_is_back(hub, token, archive, tmp_path):
    run = uuid.uuid4().hex[:12]
    handler = AdminHandler(url=hub.url, token=token, service="core", spool_dir=str(tmp_path / "spool"),
                           flush_interval=0.1)
    logger = make_logger(handler, "outage")
    for i in range(100):
        logger.info("before %d", i, extra={"run": run})
    handler.flush(10)
    wait_for(lambda: archive.count_documents({"labels.run": run}) == 100, what="100 events before the outage")

    hub.stop()
    costs = []
    for i in range(500):
        started = time.perf_counter()
        logger.info("during %d", i, extra={"run": run})
        costs.append(time.perf_counter() - started)
        if i % 100 == 0:
            time.sleep(0.2)  # spread over a second: the sender tries the hub and spills to disk
    handler.flush(10)
    assert handler.stats.spilled > 0
    costs.sort()
    assert costs[len(costs) // 2] < 0.002, f"median logger.info while the hub is down: {costs[len(costs) // 2]:.6f}s"

    hub.start()
    for i in range(50):
        logger.info("after %d", i, extra={"run": run})
    wait_for(lambda: archive.count_documents({"labels.run": run}) >= 650, timeout=60,
             what="all 650 events after the hub came back")
    handler.close()
    time.sleep(0.5)
    messages = [d["message"] for d in archive.find({"labels.run": run}).sort([("@timestamp", 1), ("_id", 1)])]
    assert len(messages) == 650 and len(set(messages)) == 650  # each once
    assert not os.listdir(tmp_path / "spool")


def test_a_spill_left_by_a_process_that_exited_is_sent_by_the_next_one(hub, token, archive, tmp_path):
    run = uuid.uuid4().hex[:12]
    spool = str(tmp_path / "spool")
    hub.stop()
    script = textwrap.dedent(f"""
        import logging, sys
        sys.path.insert(0, {SRC!r})
        from datamp_logging import AdminHandler
        handler = AdminHandler(url={hub.url!r}, token={token!r}, service="core", spool_dir={spool!r})
        logger = logging.getLogger("exited")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        for i in range(200):
            logger.info("from the exited process %d", i, extra={{"run": {run!r}}})
    """)
    started = time.monotonic()
    subprocess.run([sys.executable, "-c", script], check=True, timeout=30)
    assert time.monotonic() - started < 10  # the flush at exit is bounded (5 s by default)
    assert any(name.endswith(".ndjson") for name in os.listdir(spool))

    hub.start()
    handler = AdminHandler(url=hub.url, token=token, service="core", spool_dir=spool, flush_interval=0.1)
    make_logger(handler, "next").info("the next process", extra={"run": run})
    wait_for(lambda: archive.count_documents({"labels.run": run}) >= 201, timeout=60,
             what="the exited process's 200 events and the new one")
    time.sleep(0.5)
    assert archive.count_documents({"labels.run": run}) == 201
    handler.close()


def test_structlog_events_arrive_with_their_traceback(hub, token, archive):
    import structlog
    from datamp_logging.structlog import AdminProcessor

    run = uuid.uuid4().hex[:12]
    processor = AdminProcessor(url=hub.url, token=token, service="gate", spool_dir="", flush_interval=0.1)
    log = structlog.wrap_logger(structlog.PrintLogger(open(os.devnull, "w")), processors=[
        structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso"),
        processor, structlog.processors.JSONRenderer()])
    try:
        int("x")
    except ValueError:
        log.exception("parse failed", run=run, shop_id=7)
    processor.handler.flush(10)
    doc = wait_for(lambda: archive.find_one({"labels.run": run}), what="the structlog event")
    assert doc["message"] == "parse failed" and doc["log"]["level"] == "error"
    assert doc["service"]["name"] == "gate" and doc["labels"]["shop_id"] == "7"
    assert doc["error"]["type"] == "ValueError" and "invalid literal for int()" in doc["error"]["message"]
    processor.handler.close()
