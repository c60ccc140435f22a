"""The package on its own: records, context, spill and the sender's retry rules (no hub needed)."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
import time

import pytest

from datamp_logging import AdminHandler, RequestContext
from datamp_logging.context import clean_request_id, parse_traceparent
from datamp_logging.record import RecordEncoder
from datamp_logging.spill import Spill

from conftest import make_logger, wait_for
from fakehub import FakeHub


@pytest.fixture
def fake():
    server = FakeHub()
    yield server
    server.close()



def test_traceparent_is_read_as_the_w3c_specification_says():
    trace, span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    assert parse_traceparent(f"00-{trace}-{span}-01") == (trace, span)
    assert parse_traceparent(f"01-{trace}-{span}-01-future") == (trace, span)  # later versions: first four fields
    for bad in ("", "garbage", f"00-{trace}-{span}", f"ff-{trace}-{span}-01", f"00-{'0' * 32}-{span}-01",
                f"00-{trace}-{'0' * 16}-01", f"00-{trace[:-1]}x-{span}-01", f"00-{trace}-{span}-01-extra"):
        assert parse_traceparent(bad) is None, bad


def test_only_plain_short_request_ids_are_taken_from_the_caller():
    assert clean_request_id("r-9f2.a_b:c") == "r-9f2.a_b:c"
    assert clean_request_id("x" * 65) is None
    assert clean_request_id("a b") is None
    assert clean_request_id("a\nInjected: header") is None


def test_a_record_becomes_an_ecs_event_with_extras_context_and_the_traceback():
    encoder = RecordEncoder("core", "production", "web-3")
    logger = logging.getLogger("billing.views")
    try:
        {}["missing"]
    except KeyError:
        record = logger.makeRecord("billing.views", logging.ERROR, __file__, 42, "payment %s failed", ("p-1",),
                                   sys.exc_info(), func="pay",
                                   extra={"shop_id": 42, "order": {"items": 3}, "request": object()})
    with RequestContext("req-1", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "17"):
        event = json.loads(encoder.encode(encoder.event(record, record.getMessage())))
    assert event["message"] == "payment p-1 failed"
    assert event["log.level"] == "error" and event["log.logger"] == "billing.views"
    assert event["service.name"] == "core" and event["service.environment"] == "production"
    assert event["host.name"] == "web-3"
    assert event["http.request.id"] == "req-1" and event["trace.id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert event["span.id"] == "00f067aa0ba902b7" and event["user.id"] == "17"
    assert event["error.type"] == "KeyError" and event["error.message"] == "'missing'"
    assert event["error.stack_trace"].startswith("Traceback (most recent call last):")
    assert "in test_a_record_becomes_an_ecs_event" in event["error.stack_trace"]
    assert event["shop_id"] == 42 and event["order"] == {"items": 3}
    assert event["function"] == "pay" and event["line"] == 42 and event["module"] == "test_unit"
    assert isinstance(event["process"], int) and isinstance(event["thread"], int)
    assert "request" not in event  # Django's request object carries cookies and headers: never shipped
    assert len(event["event.id"]) == 32  # client-side id: a retried event is stored once
    assert event["@timestamp"].endswith("Z") and len(event["@timestamp"]) == 24


def test_batches_are_gzip_ndjson_with_the_token(fake):
    handler = AdminHandler(url=fake.url, token="dmp_secret", service="core", spool_dir="", flush_interval=0.05)
    logger = make_logger(handler, "unit.batches")
    for i in range(2500):
        logger.info("event %d", i)
    handler.flush(10)
    handler.close()
    events = fake.events()
    assert [e["message"] for e in events] == [f"event {i}" for i in range(2500)]  # all, in order
    assert all(len(batch) <= 1000 for _, _, batch in fake.requests)
    headers = fake.requests[0][1]
    assert headers["Authorization"] == "Bearer dmp_secret"
    assert headers["Content-Encoding"] == "gzip" and headers["Content-Type"] == "application/x-ndjson"


def test_retry_after_is_honoured_and_the_batch_resent_with_the_same_ids(fake):
    fake.answers = [(503, {"Retry-After": "1"}, {"error": "spool_full", "message": "full"})]
    handler = AdminHandler(url=fake.url, token="t", spool_dir="", flush_interval=0.05)
    logger = make_logger(handler, "unit.retry")
    logger.warning("once")
    wait_for(lambda: len(fake.requests) >= 2, timeout=10, what="a second attempt")
    (first_at, _, first), (second_at, _, second) = fake.requests[:2]
    assert second_at - first_at >= 0.95
    assert first[0]["event.id"] == second[0]["event.id"]
    handler.close()


def test_a_refused_token_drops_the_batch_once_and_logging_goes_on(fake, capsys):
    fake.answers = [(401, {}, {"error": "invalid_token", "message": "unknown token"})]
    handler = AdminHandler(url=fake.url, token="wrong", spool_dir="", flush_interval=0.05)
    logger = make_logger(handler, "unit.fatal")
    logger.error("dropped")
    handler.flush(5)
    logger.error("sent")
    handler.flush(5)
    assert handler.stats.dropped_fatal == 1
    assert [e["message"] for e in fake.events()] == ["dropped", "sent"]
    assert "invalid_token" in capsys.readouterr().err
    handler.close()


def test_memory_is_bounded_drops_the_oldest_and_reports_the_drops(fake):
    fake.answers = [(503, {"Retry-After": "2"}, {"error": "spool_full", "message": "full"})]
    handler = AdminHandler(url=fake.url, token="t", spool_dir="", max_queue_bytes=50_000, flush_interval=0.05)
    logger = make_logger(handler, "unit.bound")
    logger.info("first")
    wait_for(lambda: fake.requests, timeout=5, what="the first (refused) request")
    started = time.perf_counter()
    for i in range(2000):
        logger.info("event %d", i)
    elapsed = time.perf_counter() - started
    assert elapsed < 5  # never blocks the caller while the hub cannot take anything
    assert handler.stats.dropped_queue > 0
    handler.flush(10)
    handler.close()
    messages = [e["message"] for e in fake.events() if e["log.logger"] == "unit.bound"]
    assert messages[-1] == "event 1999"  # the oldest were dropped, the newest kept
    assert len(messages) < 2000
    notice = next(e for e in fake.events() if e["log.logger"] == "datamp_logging")
    assert notice["reason"] == "queue_full" and notice["dropped_events"] == handler.stats.dropped_queue
    assert notice["log.level"] == "warning"


def test_misconfiguration_never_raises_into_the_application(capsys, monkeypatch):
    monkeypatch.delenv("DATAMP_ADMIN_URL", raising=False)
    monkeypatch.delenv("DATAMP_INGEST_TOKEN", raising=False)
    handler = AdminHandler(service="core")
    make_logger(handler, "unit.unconfigured").error("nowhere to go")
    assert "AdminHandler is missing a URL (DATAMP_ADMIN_URL) and a token (DATAMP_INGEST_TOKEN)" in capsys.readouterr().err
    handler.close()


def test_variables_configure_the_handler(fake, monkeypatch, tmp_path):
    monkeypatch.setenv("DATAMP_ADMIN_URL", fake.url)
    monkeypatch.setenv("DATAMP_INGEST_TOKEN", "from-env")
    monkeypatch.setenv("DATAMP_SERVICE", "gate")
    monkeypatch.setenv("DATAMP_ENVIRONMENT", "staging")
    monkeypatch.setenv("DATAMP_SPOOL_DIR", str(tmp_path / "spool"))
    handler = AdminHandler(flush_interval=0.05)
    make_logger(handler, "unit.env").info("configured")
    handler.flush(5)
    handler.close()
    event = fake.events()[0]
    assert (event["service.name"], event["service.environment"]) == ("gate", "staging")
    assert fake.requests[0][1]["Authorization"] == "Bearer from-env"
    assert os.path.isdir(tmp_path / "spool")


def test_spill_replays_oldest_first_and_resumes_after_a_crash(tmp_path):
    spill = Spill(str(tmp_path), 10_000_000)
    spill.append([b'{"n":1}\n', b'{"n":2}\n'])
    spill.append([b'{"n":3}\n'])
    sent = []
    calls = {"n": 0}

    def send(batch):
        calls["n"] += 1
        if calls["n"] == 2:
            return False  # the hub went away mid-replay
        sent.extend(batch)
        return True

    assert spill.replay(send, max_events=1, max_bytes=1_000_000) is False
    assert spill.replay(send, max_events=1, max_bytes=1_000_000) is True
    assert [json.loads(line)["n"] for line in sent] == [1, 2, 3]
    assert not spill.has_pending() and os.listdir(tmp_path) == []


def test_a_spill_of_a_live_process_is_left_to_it_and_an_exited_ones_is_replayed(tmp_path):
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))!r} + "/src")
        from datamp_logging.spill import Spill
        spill = Spill({str(tmp_path)!r}, 10_000_000)
        spill.append([b'{{"from":"child"}}\\n'])
        print("spilled", flush=True)
        sys.stdin.readline()
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"spilled"
        ours = Spill(str(tmp_path), 10_000_000)
        assert not ours.has_pending()  # the child holds its lock: it is alive and will send it itself
        child.stdin.write(b"\n")
        child.stdin.flush()
        child.wait(timeout=10)
        sent = []
        assert ours.has_pending()
        assert ours.replay(lambda batch: sent.extend(batch) or True, 100, 1_000_000)
        assert sent == [b'{"from":"child"}\n']
    finally:
        if child.poll() is None:
            child.kill()
