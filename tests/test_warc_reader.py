"""The WARC reader on damaged files: each record is a page or a counted reason, nothing raises."""

from __future__ import annotations

import gzip
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.archive.members import Broken, Member, iter_members
from newscrawl.archive.reader import ArchivedPage, Skipped, read_stream
from tests.warc_files import response_record, truncated, with_wrong_length

PAGE = b"<html><head><title>T</title></head><body><p>" + b"Some words. " * 300 + b"</p></body></html>"
RECORDS = [response_record(f"https://e.com/{n}", PAGE) for n in range(4)]
MAX = 1 << 20


def entries(data: bytes, max_bytes: int = MAX) -> list:
    return list(read_stream(io.BytesIO(data), "f.warc.gz", max_bytes))


def test_offsets_are_those_of_the_members():
    offsets = [sum(map(len, RECORDS[:n])) for n in range(len(RECORDS))]
    pages = entries(b"".join(RECORDS))
    assert [p.location["offset"] for p in pages] == offsets
    assert [p.url for p in pages] == [f"https://e.com/{n}" for n in range(4)]


def test_a_record_cut_short_in_mid_file_loses_only_itself():
    data = RECORDS[0] + truncated(RECORDS[1]) + RECORDS[2] + RECORDS[3]
    got = entries(data)
    assert [type(e).__name__ for e in got] == ["ArchivedPage", "Skipped", "ArchivedPage", "ArchivedPage"]
    assert got[1].reason == "corrupt"
    assert entries(RECORDS[0] + truncated(RECORDS[1]))[-1].reason == "truncated"


def test_a_wrong_content_length_is_counted_and_the_next_record_read():
    for delta in (-7, 7):
        got = entries(RECORDS[0] + with_wrong_length(RECORDS[1], delta) + RECORDS[2])
        assert [getattr(e, "reason", "page") for e in got] == ["page", "bad_length", "page"]


def test_a_record_larger_than_the_limit_is_read_through_not_kept():
    bomb = gzip.compress(b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" + b"\0" * (8 * MAX))
    got = list(iter_members(io.BytesIO(RECORDS[0] + bomb + RECORDS[1]), MAX))
    assert [type(m).__name__ for m in got] == ["Member", "Broken", "Member"]
    assert got[1].reason == "too_large" and got[2].offset == len(RECORDS[0]) + len(bomb)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_damage_makes_the_reader_raise(data):
    whole = bytearray(b"".join(RECORDS))
    for _ in range(data.draw(st.integers(1, 6))):
        position = data.draw(st.integers(0, len(whole) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            whole[position] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del whole[position:position + data.draw(st.integers(1, 500))]
        else:
            whole[position:position] = data.draw(st.binary(min_size=1, max_size=50))
    got = entries(bytes(whole))
    assert all(isinstance(e, (ArchivedPage, Skipped)) for e in got)
    assert sum(isinstance(e, ArchivedPage) for e in got) <= len(RECORDS)


def test_a_target_uri_that_cannot_be_parsed_is_counted_not_extracted():
    """A port out of range passed the http(s) check and raised in extraction, ending a backfill."""
    bad = [response_record(url, PAGE) for url in ("https://e.com:99999/a", "http://[zz]/a")]
    got = entries(RECORDS[0] + b"".join(bad) + RECORDS[1])
    assert [getattr(e, "reason", "page") for e in got] == ["page", "not_http_url", "not_http_url", "page"]


def test_members_of_an_empty_stream():
    assert list(iter_members(io.BytesIO(b""), MAX)) == []
    assert [(type(m), m.reason) for m in iter_members(io.BytesIO(b"\x1f\x8b"), MAX)] == [(Broken, "corrupt")]
