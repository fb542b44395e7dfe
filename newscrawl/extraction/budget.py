"""What extraction may spend on one page, applied before the expensive steps.

A hostile page (a 50 MB text node, a million tiny elements) once cost a gigabyte and many seconds.
:class:`Limits` bounds a page's decoded source before it is parsed: each run of characters between
``<`` and ``>`` (a text node, or a tag with its attributes) is clipped to its head and tail, the
source after the last opening tag allowed is left out, and so is the source past a length. The page
then gives a record of what fits; the record names the limits it hit in ``metadata.overBudget``.
The time limit, in CPU seconds, is hard where it can be: :func:`cpu_deadline` arms a CPU timer
(``setitimer(ITIMER_PROF)``) whose signal raises :class:`OutOfTime` inside the step that runs over,
in the main thread of a process that leaves ``SIGPROF`` alone (the crawl's page workers, a
command). Elsewhere (another thread, a profiler owning ``SIGPROF``) the limit is checked between
extraction's steps. Either way a page over it keeps what came before. A signal interrupts Python
code and regular expressions, not one call into lxml: a parse or an XPath query ends first.

A limit of 0 is no limit.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import islice

from newscrawl import settings as defaults

#: Names of the limits, as ``metadata.overBudget`` and the crawl's stats give them.
SOURCE, ELEMENTS, TEXT, SECONDS = "source", "elements", "text", "seconds"

_OPENING_TAG = re.compile(r"<[A-Za-z]")
_OPENING_TAG_BYTES = re.compile(rb"<[A-Za-z]")
_NOT_ASCII = re.compile(rb"[^\x00-\x7f]")
#: The head of a page's bytes that encoding detection reads (:mod:`newscrawl.extraction.document`).
DETECTION_SAMPLE_BYTES = 65_536
_BYTES_PER_CHAR = 4  # the most bytes of one character, in UTF-8 (and UTF-32)
_HEAD_BYTES = 1024  # where a NUL byte says UTF-16 or UTF-32
_MARGIN = 8  # bytes kept beyond half the text limit, at each end of a long run


@dataclass(frozen=True)
class Limits:
    """The budget of one page: the ``NEWSCRAWL_EXTRACT_MAX_*`` settings, documented in the README."""

    max_source_chars: int = defaults.NEWSCRAWL_EXTRACT_MAX_SOURCE_CHARS
    max_elements: int = defaults.NEWSCRAWL_EXTRACT_MAX_ELEMENTS
    max_text_chars: int = defaults.NEWSCRAWL_EXTRACT_MAX_TEXT_CHARS
    max_seconds: float = defaults.NEWSCRAWL_EXTRACT_MAX_SECONDS

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        """The limits a crawl's Scrapy settings give."""
        return cls(
            max_source_chars=settings.getint("NEWSCRAWL_EXTRACT_MAX_SOURCE_CHARS"),
            max_elements=settings.getint("NEWSCRAWL_EXTRACT_MAX_ELEMENTS"),
            max_text_chars=settings.getint("NEWSCRAWL_EXTRACT_MAX_TEXT_CHARS"),
            max_seconds=settings.getfloat("NEWSCRAWL_EXTRACT_MAX_SECONDS"),
        )


def fit_source(text: str, limits: Limits) -> tuple[str, tuple[str, ...]]:
    """``text`` with long runs clipped, cut to ``max_elements`` opening tags and to
    ``max_source_chars``; and the names of the limits it hit.

    >>> fit_source("<p>" + "x" * 10 + "</p>", Limits(max_text_chars=4))
    ('<p>xxxx</p>', ('text',))
    >>> fit_source("<p>a</p><p>b</p><p>c</p>", Limits(max_elements=2))
    ('<p>a</p><p>b</p>', ('elements',))
    >>> fit_source("<p>abcdef</p>", Limits(max_source_chars=6))
    ('<p>abc', ('source',))
    >>> fit_source("<p>ok</p>", Limits())
    ('<p>ok</p>', ())
    """
    hit = ()
    most = limits.max_text_chars
    if most and len(text) > most and _may_hold_long_run(text, most):
        clipped = _long_run(most).sub(lambda run: clip(run.group(), most), text)
        if len(clipped) < len(text):
            text, hit = clipped, (TEXT,)
    if limits.max_elements and text.count("<") > limits.max_elements:
        beyond = next(islice(_OPENING_TAG.finditer(text), limits.max_elements, None), None)
        if beyond is not None:
            text, hit = text[:beyond.start()], (*hit, ELEMENTS)
    if limits.max_source_chars and len(text) > limits.max_source_chars:
        text, hit = text[:limits.max_source_chars], (*hit, SOURCE)
    return text, hit


def _may_hold_long_run(text: str, most: int) -> bool:
    """Whether ``text`` may hold a run of over ``most`` characters between ``<`` and ``>``.

    Such a run covers the middle of a text shorter than twice ``most``: a ``<`` or ``>`` there
    rules it out without the pass of :func:`_long_run` over the whole page (looked for in
    place: a copy of the middle of a 5 MB page costs more than the search).

    >>> _may_hold_long_run("<p>" + "x" * 10 + "</p>", 8), _may_hold_long_run("<p>xxxx</p>" * 2, 12)
    (True, False)
    >>> _may_hold_long_run("<p>xx</p>" * 10, 4)
    True
    """
    start, end = len(text) - most - 1, most + 1
    return len(text) >= 2 * most + 2 or text.find("<", start, end) == text.find(">", start, end) == -1


def fit_body(body: bytes, limits: Limits) -> bytes:
    """``body`` with each run of bytes between ``<`` and ``>`` too long for ``max_text_chars``
    cut to a head and a tail that still hold more than those characters, and with the bytes after
    the opening tag past ``max_elements`` left out when they are ASCII (:func:`_cut_elements`): what
    :func:`fit_source` keeps of the decoded page is the same, and a hostile page's bytes cost a
    worker (and the pipe to it) a fraction of their size.

    In a run of ASCII bytes, head and tail keep just over half the limit in bytes; in another,
    room for four bytes a character, cut where a UTF-8 character starts. A page that may
    not be in an ASCII-compatible encoding (a NUL byte in its head: UTF-16, UTF-32) and a run
    holding an ISO-2022 escape are left whole.

    >>> fit_body(b"<p>" + b"x" * 200 + b"</p>", Limits(max_text_chars=10)) == b"<p>" + b"x" * 26 + b"</p>"
    True
    >>> fit_body("<p>é</p>".encode("utf-16"), Limits(max_text_chars=1)) == "<p>é</p>".encode("utf-16")
    True
    """
    most = limits.max_text_chars
    if b"\0" in body[:_HEAD_BYTES]:
        return body
    if most and len(body) > most:
        half = most // 2 + _MARGIN
        body = _long_byte_run(2 * half).sub(lambda run: _clip_bytes(run, half), body)
    return _cut_elements(body, limits.max_elements)


def _cut_elements(body: bytes, most: int) -> bytes:
    """``body`` cut before its opening tag after the one past ``most``, which :func:`fit_source`
    still finds and cuts at; whole when what would go is not all ASCII, holds an ISO-2022 escape,
    or when the rest is shorter than what encoding detection reads. An ASCII tail decides nothing
    about the page's encoding: the rest is valid UTF-8 (or ASCII, or cp1252) when the whole is.

    >>> _cut_elements(b"<p>a</p><p>b</p><p>c</p><p>d</p>", 1)
    b'<p>a</p><p>b</p><p>c</p><p>d</p>'
    >>> page = b"<p>" + b"a" * DETECTION_SAMPLE_BYTES + b"</p><p>b</p><p>c</p><p>d</p>"
    >>> _cut_elements(page, 1) == page[:-16]
    True
    >>> _cut_elements(page.replace(b"d", "é".encode()), 1) == page.replace(b"d", "é".encode())
    True
    """
    if not most or body.count(b"<") <= most + 1:
        return body
    beyond = next(islice(_OPENING_TAG_BYTES.finditer(body), most + 1, None), None)
    if (beyond is None or beyond.start() < DETECTION_SAMPLE_BYTES or b"\x1b" in body
            or _NOT_ASCII.search(body, beyond.start())):
        return body
    return body[:beyond.start()]


def _clip_bytes(run: re.Match, half: int) -> bytes:
    r"""The matched ``run`` cut to ``half`` bytes at each end when it is ASCII (a byte a character);
    else to room for ``half`` characters of four bytes at each end, cut where a character starts;
    else whole. Read in place in the page's bytes: a copy of a hostile run (30 MB) is not made.

    >>> page = b"<p>" + b"ab" * 20 + b"</p>"
    >>> _clip_bytes(_long_byte_run(10).search(page), 3)
    b'ababab'
    >>> _clip_bytes(_long_byte_run(10).search(page.replace(b"b", b"\x1b")), 3) == b"a\x1b" * 20
    True
    """
    body, start, end = run.string, run.start(), run.end()
    if _NOT_ASCII.search(body, start, end) is None:
        head, tail = start + half, end - half
    elif end - start > 2 * (wide := _BYTES_PER_CHAR * half):
        head, tail = start + wide, end - wide
        while body[head] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            head -= 1
        while body[tail] & 0xC0 == 0x80:
            tail += 1
    else:
        return run.group()
    if body.find(b"\x1b", start + half, end - half) != -1:
        return run.group()
    return body[start:head] + body[tail:end]


@cache
def _long_byte_run(most: int) -> re.Pattern:
    """:func:`_long_run` for bytes."""
    return re.compile(rb"(?<![^<>])[^<>]{%d,}" % (most + 1))


@cache
def _long_run(most: int) -> re.Pattern:
    """A run of over ``most`` characters between ``<`` and ``>``, matched from its start only
    (the look-behind), so that finding them takes one pass over the page."""
    return re.compile(rf"(?<![^<>])[^<>]{{{most + 1},}}")


def clip(run: str, most: int) -> str:
    """``run``'s head and tail, ``most`` characters in all: a tag clipped so keeps its closing quote.

    >>> clip('div title="' + "a" * 20 + '"', 12)
    'div tiaaaaa"'
    >>> clip("short", 12)
    'short'
    """
    if len(run) <= most:
        return run
    head = most - most // 2
    return run[:head] + run[len(run) - most // 2:]


class OutOfTime(Exception):
    """Raised inside extraction when the page's CPU time limit has passed (:func:`cpu_deadline`)."""


@contextmanager
def cpu_deadline(seconds: float) -> Iterator[bool]:
    """Raise :class:`OutOfTime` in this block once the process has spent ``seconds`` of CPU time
    in it; gives whether the timer is armed (the main thread, ``SIGPROF`` unused, ``seconds`` > 0).

    The timer fires once: what runs after it has fired (the record put together from what the
    steps gave) is not interrupted.

    >>> with cpu_deadline(0.05) as armed:
    ...     while armed:
    ...         pass
    Traceback (most recent call last):
    ...
    newscrawl.extraction.budget.OutOfTime: over 0.05 s of CPU time
    >>> with cpu_deadline(0) as armed:
    ...     armed
    False
    """
    if not (seconds > 0 and _timer_free()):
        yield False
        return
    previous = signal.signal(signal.SIGPROF, _out_of_time(seconds))
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _timer_free() -> bool:
    """Whether this thread may arm the CPU timer: signal handlers are the main thread's, and
    another ``SIGPROF`` handler (a profiler's) is left alone."""
    return (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGPROF) == signal.SIG_DFL)


def _out_of_time(seconds: float):
    def handler(signum, frame):
        raise OutOfTime(f"over {seconds:g} s of CPU time")
    return handler
