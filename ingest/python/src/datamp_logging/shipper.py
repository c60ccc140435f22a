"""The background thread between `logger.info(...)` and the hub.

The application's thread only appends the event (a dict) to a bounded in-memory queue (a lock and a
deque append: microseconds, hub up or down); JSON encoding happens here, off the request's path. This thread takes batches by count, bytes and time, POSTs them,
and while the hub cannot be reached moves them to the on-disk spill, which it replays in order, oldest
first, before anything newer once the hub answers again.
"""
from __future__ import annotations

import collections
import http.client
import os
import random
import sys
import threading
import time
from typing import Any, Callable, Deque, Dict, List, Optional, Tuple

from .spill import Spill
from .transport import Outcome, Transport

# How often to look for spill files left behind by processes that have exited.
_FOREIGN_SPILL_CHECK_SECONDS = 5.0


class Stats:
    """Counters a service can read (`handler.stats`) or export to its own metrics."""

    def __init__(self) -> None:
        self.sent = 0             # events acknowledged by the hub
        self.rejected = 0         # events the hub refused one by one (see the hub's answer)
        self.dropped_queue = 0    # events dropped because the in-memory queue was full
        self.dropped_spill = 0    # events dropped because the spill directory was full
        self.dropped_fatal = 0    # events dropped because the hub refused the token or the request
        self.spilled = 0          # events written to the spill
        self.failed_attempts = 0  # requests that did not reach the hub or were answered 5xx/429/503


class Shipper:
    def __init__(self, transport: Transport, spill: Optional[Spill], *, batch_max_events: int,
                 batch_max_bytes: int, flush_interval: float, max_queue_bytes: int,
                 encode: Callable[[Dict[str, Any]], bytes], notice: Callable[[str, dict], bytes]):
        self._transport = transport
        self._spill = spill
        self._batch_max_events = batch_max_events
        self._batch_max_bytes = batch_max_bytes
        self._flush_interval = flush_interval
        self._max_queue_bytes = max_queue_bytes
        self._encode = encode
        self._notice = notice
        self.stats = Stats()
        self._reset_after_fork()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._reset_after_fork)

    def _reset_after_fork(self) -> None:
        """A forked child (gunicorn, celery) gets a fresh queue and thread; the parent's spill file stays
        the parent's (closing our copy of its descriptor does not release the parent's lock)."""
        self._cond = threading.Condition()
        self._queue: Deque[Tuple[Any, int]] = collections.deque()  # (event dict or encoded line, size)
        self._queued_bytes = 0
        self._unreported_drops = 0
        self._flush_requested = 0
        self._flush_done = 0
        self._stopping = False
        self._backoff_until = 0.0
        self._failures = 0
        self._next_foreign_check = 0.0
        self._spill_lock = threading.Lock()
        self._problems_reported: set = set()
        if self._spill is not None:
            self._spill.forget_inherited()
        self._thread: Optional[threading.Thread] = None
        self._pid = os.getpid()

    # -- the application's side ------------------------------------------------------------------

    def enqueue(self, event: Dict[str, Any], size: int) -> None:
        """Queues an event; `size` is an estimate of its encoded bytes, for the memory bound."""
        with self._cond:
            if self._thread is None:
                self._start_thread()
            self._queue.append((event, size))
            self._queued_bytes += size
            self._drop_oldest_over_bound()
            if len(self._queue) == self._batch_max_events or self._queued_bytes >= self._batch_max_bytes:
                self._cond.notify()

    def flush(self, timeout: float) -> bool:
        """Waits up to `timeout` for everything queued so far to be sent or spilled; True when it was."""
        with self._cond:
            if self._thread is None:
                return not self._queue
            self._flush_requested += 1
            wanted = self._flush_requested
            self._cond.notify_all()
            return self._cond.wait_for(lambda: self._flush_done >= wanted, timeout)

    def close(self, timeout: float) -> None:
        """Flushes (bounded), stops the thread and spills what is still in memory for the next process."""
        self.flush(timeout)
        with self._cond:
            self._stopping = True
            rest = [self._line(item) for item, _ in self._queue]
            self._queue.clear()
            self._queued_bytes = 0
            self._cond.notify_all()
        if rest:
            self._park(rest)
        if self._spill is not None:
            with self._spill_lock:
                self._spill.close()

    # -- the thread ------------------------------------------------------------------------------

    def _start_thread(self) -> None:
        self._thread = threading.Thread(target=self._run, name="datamp-logging", daemon=True)
        self._thread.start()

    def _batch_is_ready(self) -> bool:
        return (len(self._queue) >= self._batch_max_events or self._queued_bytes >= self._batch_max_bytes
                or self._flush_requested > self._flush_done or self._stopping)

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._batch_is_ready():
                    self._cond.wait(self._flush_interval)
                if self._stopping:
                    return
                if self._in_backoff() and self._spill is None:
                    # Nowhere to park a batch: it stays queued until the hub may be tried again.
                    self._cond.wait(min(self._flush_interval, self._backoff_until - time.monotonic()))
                    continue
                batch = self._take()
                flush_target = self._flush_requested
                drops, self._unreported_drops = self._unreported_drops, 0
            batch = [self._line(item) for item in batch]
            if drops:
                batch.append(self._notice(
                    f"datamp-logging dropped {drops} log events: its in-memory queue was full "
                    f"({self._max_queue_bytes} bytes) while the hub could not take them",
                    {"dropped_events": drops, "reason": "queue_full"}))
            try:
                if batch:
                    self._deliver(batch)
                else:
                    self._replay_spill_if_any()
            except Exception as error:  # the thread must survive anything, or logging silently stops
                self._report_once("thread", f"datamp-logging: unexpected error in the sender thread: {error!r}")
            with self._cond:
                if not self._queue:
                    self._flush_done = max(self._flush_done, flush_target)
                    self._cond.notify_all()

    def _take(self) -> List[Any]:
        batch: List[Any] = []
        size = 0
        while self._queue and len(batch) < self._batch_max_events and size < self._batch_max_bytes:
            item, item_size = self._queue.popleft()
            size += item_size
            batch.append(item)
        self._queued_bytes -= size
        return batch

    def _line(self, item: Any) -> bytes:
        return item if isinstance(item, bytes) else self._encode(item)

    def _drop_oldest_over_bound(self) -> None:
        while self._queued_bytes > self._max_queue_bytes and len(self._queue) > 1:
            self._queued_bytes -= self._queue.popleft()[1]
            self._unreported_drops += 1
            self.stats.dropped_queue += 1

    def _deliver(self, batch: List[bytes]) -> None:
        if self._in_backoff() or not self._replay_spill_if_any() or not self._send(batch):
            self._park(batch)

    def _replay_spill_if_any(self) -> bool:
        """True when nothing older than the next batch is waiting on disk."""
        if self._spill is None or self._in_backoff():
            return self._spill is None
        with self._spill_lock:
            now = time.monotonic()
            if now >= self._next_foreign_check or self._spill.has_own():
                self._next_foreign_check = now + _FOREIGN_SPILL_CHECK_SECONDS
                if self._spill.has_pending():
                    return self._spill.replay(self._send, self._batch_max_events, self._batch_max_bytes)
        return True

    def _send(self, batch: List[bytes]) -> bool:
        """One attempt; True when the batch is done with (delivered, or refused for good)."""
        try:
            outcome: Outcome = self._transport.post(batch)
        except (OSError, http.client.HTTPException) as error:
            self._failed(None, f"datamp-logging: the hub cannot be reached ({error}); "
                               f"keeping events {'on disk' if self._spill else 'in memory'} until it can")
            return False
        if outcome.delivered:
            self._failures = 0
            self._problems_reported.discard("unreachable")
            self.stats.sent += len(batch) - outcome.rejected
            self.stats.rejected += outcome.rejected
            return True
        if outcome.fatal:
            self.stats.dropped_fatal += len(batch)
            self._report_once(outcome.fatal, f"datamp-logging: the hub refused a batch ({outcome.fatal}); "
                                             f"its {len(batch)} events are dropped")
            return True
        self._failed(outcome.retry_after, None)
        return False

    def _failed(self, retry_after: Optional[float], message: Optional[str]) -> None:
        self.stats.failed_attempts += 1
        self._failures += 1
        if retry_after is None:
            retry_after = min(30.0, 0.25 * 2 ** min(self._failures, 8)) * random.uniform(0.5, 1.0)
        self._backoff_until = time.monotonic() + retry_after
        if message:
            self._report_once("unreachable", message)

    def _in_backoff(self) -> bool:
        return time.monotonic() < self._backoff_until

    def _park(self, batch: List[bytes]) -> None:
        """Keeps a batch that could not be sent: on disk when there is a spill, else back in front."""
        if self._spill is not None:
            with self._spill_lock:
                if self._spill.append(batch):
                    self.stats.spilled += len(batch)
                else:
                    self.stats.dropped_spill += len(batch)
                    self._report_once("spill_full", f"datamp-logging: the spill directory {self._spill.directory} "
                                                    f"is full; dropping events until the hub takes them")
            return
        with self._cond:
            self._queue.extendleft((line, len(line)) for line in reversed(batch))
            self._queued_bytes += sum(len(line) for line in batch)
            self._drop_oldest_over_bound()

    def _report_once(self, key: str, message: str) -> None:
        """Problems go to stderr, once per kind until it clears: never through `logging` (that would
        feed this handler its own failures)."""
        if key in self._problems_reported:
            return
        self._problems_reported.add(key)
        try:
            sys.stderr.write(message + "\n")
        except Exception:
            pass
