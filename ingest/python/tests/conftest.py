"""Fixtures: a real DataMP Admin hub (started and stopped by the tests) and its MongoDB archive.

The hub tests run when the Swift integration test `PythonLoggingPackageTests` (or a developer) sets:
DATAMP_TEST_ADMIN_BINARY (the `admin` binary), DATAMP_TEST_HUB_ENV (JSON: the hub's ADMIN_* variables:
its own PostgreSQL database, MongoDB database, index prefix and data directory), DATAMP_TEST_INGEST_TOKEN
and DATAMP_TEST_MONGODB_URI. Without them they are skipped, and the unit tests still run.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """`admin serve` as a child process, stopped and started again on the same data and port."""

    def __init__(self, binary: str, environment: dict, log_path: str):
        self.binary = binary
        self.port = _free_port()
        self.environment = {**os.environ, **environment, "ADMIN_LISTEN": f"127.0.0.1:{self.port}"}
        self.log_path = log_path
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([self.binary, "serve"], env=self.environment, stdout=log, stderr=log,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"admin exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"admin did not become healthy:\n{self.tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def tail(self, size: int = 3000) -> str:
        with open(self.log_path, "rb") as f:
            return f.read()[-size:].decode(errors="replace")


@pytest.fixture
def hub(tmp_path):
    binary = os.environ.get("DATAMP_TEST_ADMIN_BINARY")
    environment = os.environ.get("DATAMP_TEST_HUB_ENV")
    if not binary or not environment:
        if os.environ.get("CI") == "true":
            pytest.fail("DATAMP_TEST_ADMIN_BINARY / DATAMP_TEST_HUB_ENV are not set (run through the Swift test)")
        pytest.skip("no hub: set DATAMP_TEST_ADMIN_BINARY and DATAMP_TEST_HUB_ENV")
    hub = Hub(binary, json.loads(environment), str(tmp_path / "hub.log"))
    hub.start()
    yield hub
    hub.stop()


@pytest.fixture
def token():
    return os.environ["DATAMP_TEST_INGEST_TOKEN"]


@pytest.fixture
def archive():
    """The hub's MongoDB collection, to see what was stored (and how many times)."""
    import pymongo
    environment = json.loads(os.environ["DATAMP_TEST_HUB_ENV"])
    client = pymongo.MongoClient(os.environ["DATAMP_TEST_MONGODB_URI"], serverSelectionTimeoutMS=5000)
    yield client[environment["ADMIN_MONGODB_DATABASE"]][environment.get("ADMIN_MONGODB_COLLECTION", "logs")]
    client.close()


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} did not hold within {timeout}s (last: {last!r})")


def make_logger(handler: logging.Handler, name: str, level: int = logging.DEBUG) -> logging.Logger:
    """A logger that sends only to `handler` (not to the root's handlers)."""
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    return logger
