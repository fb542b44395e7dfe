"""The pieces of distributed mode on a real redis-server: JSON requests, leases, claims, politeness."""

from __future__ import annotations

import pickle
import time

import pytest
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict
from scrapy.utils.test import get_crawler

from newscrawl.context import crawl_context
from newscrawl.discovery.sources import Link
from newscrawl.distributed import serializer
from newscrawl.distributed.frontier import crawler_frontier
from newscrawl.distributed.politeness import HostGate
from newscrawl.distributed.worker import crawler_worker
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
