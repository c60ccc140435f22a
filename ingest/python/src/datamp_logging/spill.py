"""Events kept on local disk while the hub cannot be reached, replayed in order once it answers again.

A spill is a directory of NDJSON files named by creation time (`spill-<ns>-<pid>.ndjson`), so sorting
the names replays the oldest first. The process that writes a file holds an exclusive `flock` on it for
as long as it lives; another process with the same directory replays only files it can lock, which is
exactly the files whose writer has exited (the kernel drops a dead process's locks). Progress is kept
in `<file>.sent` (the byte offset acknowledged so far), so a crash during replay resends at most one
batch, and those events carry their client-side ids: the hub stores them once.
"""
from __future__ import annotations

import fcntl
import os
import time
from typing import Callable, Dict, Iterator, List, Optional, Tuple

_PREFIX = "spill-"
_SUFFIX = ".ndjson"


class Spill:
    def __init__(self, directory: str, max_bytes: int):
        self.directory = directory
        self.max_bytes = max_bytes
        self._held: Dict[str, int] = {}   # path → fd holding our flock
        self._current: Optional[str] = None
        os.makedirs(directory, exist_ok=True)

    # -- writing ---------------------------------------------------------------------------------

    def append(self, lines: List[bytes]) -> bool:
        """Appends lines to this process's current file; False when the directory is over its bound."""
        data = b"".join(lines)
        if self.size() + len(data) > self.max_bytes:
            return False
        if self._current is None:
            path = os.path.join(self.directory, "%s%020d-%d%s" % (_PREFIX, time.time_ns(), os.getpid(), _SUFFIX))
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            self._held[path] = fd
            self._current = path
        fd = self._held[self._current]
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        return True

    def size(self) -> int:
        total = 0
        for name in self._names():
            try:
                total += os.stat(os.path.join(self.directory, name)).st_size
            except FileNotFoundError:
                pass
        return total

    # -- replaying -------------------------------------------------------------------------------

    def has_own(self) -> bool:
        """True when this process has spilled something not yet replayed."""
        return bool(self._held)

    def forget_inherited(self) -> None:
        """In a forked child: the parent's files stay the parent's. Closing our copies of its descriptors
        keeps its locks, which belong to the open file, not to the descriptor."""
        for fd in self._held.values():
            os.close(fd)
        self._held.clear()
        self._current = None

    def has_pending(self) -> bool:
        """True when there is a file of ours, or one left by an exited process."""
        for name in self._names():
            path = os.path.join(self.directory, name)
            if path in self._held:
                return True
            fd = self._lock(path)
            if fd is not None:
                self._held[path] = fd  # ours now: it is replayed next
                return True
        return False

    def replay(self, send: Callable[[List[bytes]], bool], max_events: int, max_bytes: int) -> bool:
        """Sends every replayable file oldest first through `send` (True = acknowledged).

        Returns True when everything replayable was sent, False at the first batch `send` refused (it is
        tried again on the next call, from the same offset).
        """
        for name in self._names():
            path = os.path.join(self.directory, name)
            fd = self._held.get(path)
            if fd is None:
                fd = self._lock(path)
                if fd is None:
                    continue  # a live process owns it
                self._held[path] = fd
            for end, batch in self._batches(path, max_events, max_bytes):
                if not send(batch):
                    return False
                if path == self._current:
                    self._current = None  # the hub is back: new spills go to a new file, after this one
                self._save_offset(path, end)
            self._remove(path)
        return True

    def close(self) -> None:
        for fd in self._held.values():
            os.close(fd)
        self._held.clear()
        self._current = None

    # -- internals -------------------------------------------------------------------------------

    def _names(self) -> List[str]:
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return []
        return sorted(n for n in names if n.startswith(_PREFIX) and n.endswith(_SUFFIX))

    def _lock(self, path: str) -> Optional[int]:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return None
        if not os.path.exists(path):  # replayed and removed by another process between listdir and lock
            os.close(fd)
            return None
        return fd

    def _batches(self, path: str, max_events: int, max_bytes: int) -> Iterator[Tuple[int, List[bytes]]]:
        offset = self._load_offset(path)
        with open(path, "rb") as f:
            f.seek(offset)
            batch: List[bytes] = []
            size = 0
            position = offset
            for line in f:
                if not line.endswith(b"\n"):
                    break  # a torn last line from a crash mid-write: not a whole event
                position += len(line)
                if line.strip():
                    batch.append(line)
                    size += len(line)
                if len(batch) >= max_events or size >= max_bytes:
                    yield position, batch
                    batch, size = [], 0
            if batch:
                yield position, batch

    @staticmethod
    def _offset_path(path: str) -> str:
        return path + ".sent"

    def _load_offset(self, path: str) -> int:
        try:
            with open(self._offset_path(path), "r") as f:
                return int(f.read().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _save_offset(self, path: str, offset: int) -> None:
        temporary = self._offset_path(path) + ".tmp"
        with open(temporary, "w") as f:
            f.write(str(offset))
        os.replace(temporary, self._offset_path(path))

    def _remove(self, path: str) -> None:
        for leftover in (self._offset_path(path), path):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass
        fd = self._held.pop(path, None)
        if fd is not None:
            os.close(fd)
        if self._current == path:
            self._current = None
