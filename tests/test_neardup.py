"""Near-duplicates: one wire story on two sites comes out once plus one ``duplicateOf``."""

from __future__ import annotations

import random
import subprocess
import sys
import tracemalloc

import jsonschema
import pytest

from newscrawl import neardup
from newscrawl import settings as project_settings
from newscrawl.extraction.items import record_schema
from tests.conftest import REPO, run_crawl

SYNDICATION = REPO / "fixtures" / "sites" / "syndication"
WIRE_HEADLINES = {"Dock workers end nine-day port strike after pay deal",
                  "Dockers accept pay offer, ending longest port strike in decades"}


def body(name: str) -> str:
    """The story text of a fixture page, as a plain string."""
    from newscrawl.extraction import extract_article

    path = next(SYNDICATION.glob(f"*/*/{name}.html"))
    return extract_article(path.read_bytes(), f"https://example.com/{name}.html")["articleBody"]


def test_syndicated_copy_scores_above_the_threshold_and_local_stories_below():
    wire = neardup.signature(body("port-strike-ends"))
    copy = neardup.signature(body("dockers-accept-pay-offer"))
    local = neardup.signature(body("cycle-lanes-vote"))
    assert neardup.similarity(wire, copy) >= project_settings.NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD
    assert neardup.similarity(wire, local) < 0.1
    assert set(neardup.band_keys(wire)) & set(neardup.band_keys(copy))


def test_signature_ignores_case_and_spacing_but_not_words():
    text = " ".join(f"word{i}" for i in range(100))
    assert neardup.signature(text) == neardup.signature(text.upper().replace(" ", "  \n"))
    assert neardup.signature(text) != neardup.signature(text.replace("word50", "other"))


def test_every_value_is_a_32_bit_number_even_when_few_buckets_are_filled():
    for text in ("word " * 40, " ".join(f"w{i}" for i in range(32))):
        sig = neardup.signature(text)
        assert len(sig) == neardup.NUM_PERM and all(0 <= v < 2**32 for v in sig)
    assert len(set(neardup.signature("word " * 40))) == neardup.NUM_PERM  # each hop shifts


@pytest.mark.parametrize("shared", [0, 100, 250, 400])
def test_estimate_follows_the_jaccard_similarity_of_the_shingles(shared):
    common = [f"common{i}" for i in range(shared)]
    a = " ".join(common + [f"a{i}" for i in range(400 - shared)])
    b = " ".join(common + [f"b{i}" for i in range(400 - shared)])
    sa, sb = neardup.shingles(a), neardup.shingles(b)
    jaccard = len(sa & sb) / len(sa | sb)
    assert abs(neardup.similarity(neardup.signature(a), neardup.signature(b)) - jaccard) < 0.15


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """Both syndication sites served (alpha on 127.0.0.1, beta on 127.0.0.2) and their config."""
    servers, bases = [], {}
    for name, host in (("alpha", "127.0.0.1"), ("beta", "127.0.0.2")):
        process = subprocess.Popen(
            [sys.executable, "-m", "newscrawl.demo", "--root", str(SYNDICATION / name),
             "--host", host, "serve"], stdout=subprocess.PIPE, text=True, cwd=REPO)
        servers.append(process)
        bases[name] = process.stdout.readline().strip()
    config = (SYNDICATION / "sites.toml").read_text()
    sites = tmp_path_factory.mktemp("syndication") / "sites.toml"
    sites.write_text(config.replace("{{alpha}}", bases["alpha"]).replace("{{beta}}", bases["beta"]))
    yield sites
    for process in servers:
        process.terminate()
        process.wait(timeout=10)


def wire_records(crawl) -> list[dict]:
    return [r for r in crawl.records if r["headline"] in WIRE_HEADLINES]


def test_story_on_two_sites_comes_out_once_plus_one_duplicate_of(two_sites, tmp_path):
    crawl = run_crawl(two_sites, tmp_path)
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert len(crawl.records) == 4
    first, copy = sorted(wire_records(crawl), key=lambda r: "duplicateOf" in r)
    assert "duplicateOf" not in first and copy["duplicateOf"] == first["id"]
    assert {first["metadata"]["site"], copy["metadata"]["site"]} == {"alpha-courier", "beta-evening-post"}
    assert sum("duplicateOf" in r for r in crawl.records) == 1
    assert crawl.stats["newscrawl/dedupe/near_duplicate"] == 1
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in crawl.records:
        validator.validate(record)


def test_published_articles_leave_memory_and_are_found_in_the_state_store(two_sites, tmp_path):
    crawl = run_crawl(two_sites, tmp_path, NEWSCRAWL_BATCH_RECORDS="1")  # each one committed at once
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert len(crawl.files) == len(crawl.records) == 4
    assert crawl.stats["newscrawl/dedupe/uncommitted_peak"] == 1
    first, copy = sorted(wire_records(crawl), key=lambda r: "duplicateOf" in r)
    assert copy["duplicateOf"] == first["id"]


def test_near_duplicates_are_remembered_across_runs(two_sites, tmp_path):
    alpha_only = tmp_path / "alpha.toml"
    alpha_only.write_text("[[site]]" + two_sites.read_text().split("[[site]]")[1])
    first = run_crawl(alpha_only, tmp_path)
    assert len(first.records) == 2 and not any("duplicateOf" in r for r in first.records)
    both = run_crawl(two_sites, tmp_path)
    (alpha_wire,) = wire_records(first)
    copies = [r for r in both.records if r["metadata"]["site"] == "beta-evening-post"
              and r["headline"] in WIRE_HEADLINES]
    assert [r["duplicateOf"] for r in copies] == [alpha_wire["id"]]


@pytest.mark.parametrize(("mode", "published", "marked"), [("drop", 3, 0), ("off", 4, 0)])
def test_drop_and_off_modes(two_sites, tmp_path, mode, published, marked):
    crawl = run_crawl(two_sites, tmp_path, NEWSCRAWL_NEAR_DUPLICATES=mode)
    assert crawl.returncode == 0, crawl.output[-3000:]
    assert len(crawl.records) == published
    assert sum("duplicateOf" in r for r in crawl.records) == marked
    assert crawl.stats.get("item_dropped_reasons_count/NearDuplicate", 0) == 4 - published


def test_unknown_mode_stops_the_crawl_with_a_clear_error(two_sites, tmp_path):
    crawl = run_crawl(two_sites, tmp_path, NEWSCRAWL_NEAR_DUPLICATES="maybe")
    assert crawl.returncode == 2  # a usage error, found before the crawl starts
    assert crawl.output.strip() == ("scrapy: error: NEWSCRAWL_NEAR_DUPLICATES=maybe: must be one of "
                                    "mark, drop, off")


def test_band_keys_are_equal_exactly_where_a_band_has_the_same_values():
    rng = random.Random(3)
    a = tuple(rng.getrandbits(32) for _ in range(neardup.NUM_PERM))
    rows = neardup.ROWS
    shares_first = a[:rows] + tuple(rng.getrandbits(32) for _ in range(neardup.NUM_PERM - rows))
    swapped = a[rows:2 * rows] + a[:rows] + a[2 * rows:]  # bands 0 and 1 trade values
    keys, shared, moved = map(neardup.band_keys, (a, shares_first, swapped))
    assert [x == y for x, y in zip(keys, shared)] == [True] + [False] * (neardup.BANDS - 1)
    assert set(keys[:2]).isdisjoint(moved[:2]) and keys[2:] == moved[2:]  # a band's number counts
    assert all(-2**63 <= key < 2**63 for key in keys)  # a SQLite INTEGER


def test_a_body_is_signed_by_its_first_words_only():
    """A hostile page's 800,000-word body once cost the crawl's process 50 MB and seconds to sign."""
    head = " ".join(f"w{i}" for i in range(neardup.MAX_WORDS))
    tail = " ".join(f"t{i}" for i in range(neardup.MAX_WORDS))
    assert neardup.signature(f"{head} {tail}") == neardup.signature(head)
    tracemalloc.start()
    try:
        neardup.signature("word " * 800_000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024
