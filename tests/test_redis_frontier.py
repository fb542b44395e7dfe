"""The pieces of distributed mode on a real redis-server: JSON requests, leases, claims, politeness."""

from __future__ import annotations

import json
import pickle
import time

import pytest
from scrapy import Request, Spider, signals
from scrapy.http import HtmlResponse
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from newscrawl.context import article_refused, articles_committed, crawl_context
from newscrawl.discovery.sources import Link
from newscrawl.distributed import serializer
from newscrawl.distributed.frontier import crawler_frontier
from newscrawl.distributed.leases import crawler_leases
from newscrawl.distributed.politeness import HostGate
from newscrawl.distributed.worker import crawler_worker
from newscrawl.pipelines.claims import ClaimedElsewhere
from newscrawl.pipelines.dedupe import DedupePipeline, DuplicateUrl
from newscrawl.state import Article, Batch


class Parser(Spider):
    name = "news"

    def parse_page(self, response):
        pass


@pytest.fixture
def worker(redis_server):
    redis_server.flush()
    crawler = get_crawler(Parser, {"NEWSCRAWL_STATE_URI": redis_server.url, "NEWSCRAWL_LEASE_SECONDS": "0.2"})
    yield crawler_worker(crawler)
    crawl_context(crawler).state.close()


def test_requests_round_trip_as_json_with_their_hint():
    spider = Parser()
    request = Request("https://e.com/a", callback=spider.parse_page, meta={"hint": Link("https://e.com/a", "T"),
                                                                          "depth": 2}, priority=3)
    again = request_from_dict(serializer.loads(serializer.dumps(request.to_dict(spider=spider))),
                              spider=spider)
    assert again.meta == {"hint": Link("https://e.com/a", "T"), "depth": 2}
    assert again.callback == spider.parse_page and again.priority == 3


def test_pickled_or_foreign_requests_are_refused():
    with pytest.raises(ValueError):
        serializer.loads(pickle.dumps({"url": "https://e.com/"}))
    good = serializer.dumps(Request("https://e.com/").to_dict())
    with pytest.raises(serializer.UnsafeRequest, match="_class"):
        serializer.loads(good.replace('"url"', '"_class":"os.system","url"'))
    with pytest.raises(serializer.UnsafeRequest, match="callback"):
        serializer.loads(good.replace('"callback":null', '"callback":"close"'))
    with pytest.raises(serializer.UnsafeRequest, match="not a JSON value"):
        serializer.dumps(Request("https://e.com/", meta={"x": object()}).to_dict())


def test_a_lease_not_acknowledged_returns_to_the_queue(worker):
    frontier = crawler_frontier(worker.crawler)
    assert frontier.enqueue('{"r": 1}', 0, "fp1", "")
    assert not frontier.enqueue('{"r": 1}', 0, "fp1", "")  # seen in this run
    lease, data = frontier.pop()
    assert frontier.pop() is None and frontier.outstanding() == 1
    worker.heartbeat()
    time.sleep(0.3)  # the lease (0.2 s) runs out without a heartbeat
    again_lease, again = frontier.pop()
    assert again == data and again_lease != lease
    frontier.ack(again_lease)
    assert frontier.outstanding() == 0


def test_an_article_is_claimed_by_one_worker_until_its_batch_is_committed(worker):
    store, article = worker.store, Article("a", "https://e.com/a", "s", "fp-a", "2026-11-10T08:00:00Z")
    worker.heartbeat()
    assert store.claim(article, worker.name) is None
    assert store.claim(article, "other-worker") == "claimed"
    store.begin_batch(Batch(f"{worker.name}-000001.jsonl", "/out/news", (article,)))
    assert store.claim(article, "other-worker") == "pending"
    store.commit_batch(f"{worker.name}-000001.jsonl")
    assert store.claim(article, "other-worker") == "published"


def test_a_dead_workers_claim_is_taken_over(worker):
    article = Article("b", "https://e.com/b", "s", "fp-b", "2026-11-10T08:00:00Z")
    assert worker.store.claim(article, "dead-worker") is None  # no heartbeat key: not alive
    assert worker.store.claim(article, worker.name) is None


def test_host_gate_keeps_concurrency_and_delay_for_all_workers(worker):
    gate = HostGate(worker, concurrency=2, delay=0, hold=60)
    assert gate.try_acquire("e.com", "t1") == 0
    assert gate.try_acquire("e.com", "t2") == 0
    assert gate.try_acquire("e.com", "t3") > 0  # a third worker waits
    gate.release("e.com", "t1")
    assert gate.try_acquire("e.com", "t3") == 0
    slow = HostGate(worker, concurrency=8, delay=60, hold=60)
    assert slow.try_acquire("f.com", "u1") == 0
    assert slow.try_acquire("f.com", "u2") > 0  # within DOWNLOAD_DELAY of the last one


def test_host_gate_frees_the_tokens_of_a_worker_whose_lease_lapsed(worker):
    gate = HostGate(worker, concurrency=1, delay=0, hold=600)
    worker.link.client.set(worker.key, "alive", px=60_000)
    assert gate.try_acquire("e.com", gate.token()) == 0
    assert gate.try_acquire("e.com", "other-worker t1") > 0  # the one slot is taken
    worker.link.client.delete(worker.key)  # this worker was killed: its lease lapses
    assert gate.try_acquire("e.com", "other-worker t1") == 0


def leased_page(worker, keeper) -> tuple[str, HtmlResponse]:
    """A page popped under a lease whose callback yielded one item and is over."""
    frontier = crawler_frontier(worker.crawler)
    frontier.enqueue('{"r": 1}', 0, "fp1", "")
    lease, _ = frontier.pop()
    request = keeper.leased(Request("https://e.com/a"), lease)
    keeper.add(lease)
    keeper.worked(lease)  # the lease now waits for its item to be published
    return lease, HtmlResponse(request.url, request=request)


@pytest.mark.parametrize(("why", "outstanding"), [("claimed", 1), ("pending", 1), ("published", 0)])
def test_item_another_worker_has_in_flight_leaves_its_page_to_be_fetched_again(worker, why, outstanding):
    worker.link.client.set(worker.key, "alive", px=60_000)
    keeper = crawler_leases(worker.crawler, crawler_frontier(worker.crawler))
    lease, response = leased_page(worker, keeper)
    refused = ClaimedElsewhere(f"{why} by another worker", why)
    worker.crawler.signals.send_catch_log(signals.item_dropped, item={"id": "a"}, response=response,
                                          exception=refused, spider=None)
    frontier = crawler_frontier(worker.crawler)
    assert frontier.outstanding() == outstanding  # not acknowledged, nor waiting on this worker
    if outstanding:
        time.sleep(0.3)  # the lease (0.2 s) is no longer extended and runs out
        assert frontier.pop()[1] == '{"r": 1}'  # the page is fetched again


ITEM = {"id": "a", "url": "https://e.com/a", "canonicalUrl": "https://e.com/a",
        "articleBody": "The council met on Friday.", "datePublished": "2026-11-10T08:00:00Z",
        "metadata": {"site": "herald"}}


def a_copy() -> dict:
    return json.loads(json.dumps(ITEM))


@pytest.fixture
def dedupe(tmp_path):
    """A dedupe pipeline on a fresh SQLite store, as a crawl builds it."""
    settings = {"NEWSCRAWL_STATE_URI": f"sqlite:///{tmp_path / 'state.db'}", "NEWSCRAWL_NEAR_DUPLICATES": "mark"}
    crawler = get_crawler(Parser, settings)
    yield DedupePipeline.from_crawler(crawler), crawler.signals
    crawl_context(crawler).state.close()


def test_an_article_refused_by_a_later_pipeline_is_no_duplicate_of_its_next_copy(dedupe):
    pipeline, signals_ = dedupe
    pipeline.process_item(a_copy())
    signals_.send_catch_log(article_refused, article=pipeline.admitted["a"])
    assert pipeline.process_item(a_copy())["id"] == "a"  # admitted again
    with pytest.raises(DuplicateUrl):  # and once admitted, its next copy is a duplicate
        pipeline.process_item(a_copy())


def test_a_copy_of_an_article_not_yet_published_leaves_its_page_to_be_fetched_again(dedupe):
    """The first copy's batch may still fail (a full disk): the copy's lease must not be acked."""
    pipeline, signals_ = dedupe
    pipeline.process_item(a_copy())
    with pytest.raises(DuplicateUrl) as in_flight:
        pipeline.process_item(a_copy())
    assert in_flight.value.redo_page
    signals_.send_catch_log(articles_committed, articles=[pipeline.admitted["a"]])
    with pytest.raises(DuplicateUrl) as published:
        pipeline.process_item(a_copy())
    assert not published.value.redo_page
