"""Scrapy commands added by newscrawl, and what they share."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_on_closed_pipe() -> Iterator[None]:
    """End a command that writes to stdout quietly when its reader stops (``| head``):
    no BrokenPipeError traceback, no complaint when Python flushes stdout at exit."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
