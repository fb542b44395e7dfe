"""Reading published batches downstream: publication order, ``after``, nothing half-written."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from newscrawl.reader import batch_name, published_batches, read_published
from tests.conftest import REPO

RUN_A, RUN_B = "20261127T080000Z-aaaaaaaa", "20261127T080000Z-00000000"  # same second


@pytest.fixture
def directory(tmp_path):
    """Batches 1-3 of two runs (the later run's id sorts first), a part file and a summary."""
    def write(name, ids):
        lines = "".join(json.dumps({"id": i}) + "\n" for i in ids).encode()
        (tmp_path / name).write_bytes(gzip.compress(lines) if name.endswith(".gz") else lines)

    write(batch_name(RUN_A, 1), ["a", "b"])
    write(batch_name(RUN_A, 2, compress=True), ["c"])
    write(batch_name(RUN_B, 3), ["d"])
    (tmp_path / f".{batch_name(RUN_B, 4)}.part").write_text('{"id": "e"}\n{"id": "f"')
    (tmp_path / f"{RUN_A}.summary.json").write_text("{}")
    (tmp_path / "notes.jsonl").write_text("not a batch\n")
    return tmp_path


def test_records_come_in_publication_order_with_their_batch(directory):
    first, second, third = batch_name(RUN_A, 1), batch_name(RUN_A, 2, True), batch_name(RUN_B, 3)
    assert [(p.batch, p.record["id"]) for p in read_published(directory)] == [
        (first, "a"), (first, "b"), (second, "c"), (third, "d")]


def test_after_a_batch_only_later_batches_are_read(directory):
    assert [p.record["id"] for p in read_published(directory, after=batch_name(RUN_A, 1))] == ["c", "d"]
    assert [p.name for p in published_batches(directory, after=str(directory / batch_name(RUN_B, 3)))] == []


def test_after_something_that_is_not_a_batch_is_an_error(directory):
    with pytest.raises(ValueError, match="notes.jsonl"):
        published_batches(directory, after="notes.jsonl")


def scrapy_published(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "published", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def test_command_prints_records_and_batches(directory):
    records = scrapy_published(str(directory), "--after", batch_name(RUN_A, 1))
    assert records.returncode == 0, records.stderr
    assert [json.loads(line)["id"] for line in records.stdout.splitlines()] == ["c", "d"]
    batches = scrapy_published(str(directory), "--batches")
    assert batches.stdout.split() == [batch_name(RUN_A, 1), batch_name(RUN_A, 2, True), batch_name(RUN_B, 3)]


def test_command_rejects_a_bad_after(directory):
    done = scrapy_published(str(directory), "--after", "notes.jsonl")
    assert done.returncode == 2
    assert "not the name of a published batch" in done.stderr
