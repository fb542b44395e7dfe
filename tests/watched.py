"""A ``scrapy crawl`` worker subprocess whose log a test can wait on while it runs.

A thread drains the worker's output into a list (and a file), so a worker that is
paused, resumed or killed never blocks on a full pipe, and a test can wait for the
n-th log line matching a pattern.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from pathlib import Path

from tests.conftest import REPO


class Watched:
    """One worker process and everything it logged so far."""

    def __init__(self, command: list[str], log: Path, **popen):
        self.log = log
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, **popen)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        with self.log.open("a") as copy:
            for line in self.process.stdout:
                copy.write(line)
                with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def count(self, pattern: str) -> int:
        with self._changed:
            return sum(bool(re.search(pattern, line)) for line in self.lines)

    def wait_for(self, pattern: str, occurrence: int = 1, timeout: float = 120.0) -> bool:
        """True once ``occurrence`` lines matched ``pattern``; False if the worker ended first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(bool(re.search(pattern, line)) for line in self.lines) < occurrence:
                if not self._reader.is_alive():
                    return False
                if not self._changed.wait(timeout=max(0.0, deadline - time.monotonic())):
                    raise TimeoutError(f"no {occurrence}x {pattern!r} in {timeout} s:\n{self.tail()}")
            return True

    def wait(self, timeout: float = 180.0) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=30)
        return code

    def text(self) -> str:
        with self._changed:
            return "".join(self.lines)

    def tail(self, chars: int = 4000) -> str:
        return self.text()[-chars:]
