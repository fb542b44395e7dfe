"""Usage errors as one line: what every newscrawl command and tool prints for a mistake
on its command line, before it starts anything, and the exit status 2 it ends with."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from functools import wraps

from scrapy.exceptions import UsageError

USAGE_EXIT = 2


def exit_on_usage_error(error: UsageError, log_file: str | None = None,
                        program: str = "scrapy") -> None:
    """Print a usage error as one line on stderr (and at the end of ``log_file``, where
    scrapyd keeps a job's log) and exit with status 2."""
    line = f"{program}: error: {error}"
    sys.stderr.write(line + "\n")
    if log_file:
        with open(log_file, "a", encoding="utf-8") as log:
            log.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} [newscrawl] ERROR: {line}\n")
    sys.exit(USAGE_EXIT)


def one_line_usage_errors(method):
    """Turn a :class:`UsageError` raised by a command's method into one line and exit 2
    (Scrapy's own handling prints the usage text first)."""
    @wraps(method)
    def checked(command, *args, **kwargs):
        try:
            return method(command, *args, **kwargs)
        except UsageError as error:
            if error.print_help:
                raise
            exit_on_usage_error(error, command.settings.get("LOG_FILE"))
    return checked


class OneLineArgumentParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage text) and exit status 2."""

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(USAGE_EXIT)
