"""Requests in the shared frontier as JSON, never pickle.

scrapy-redis pickles requests by default, so whoever can write to Redis could run
code in every worker. Here a request is the dict of ``Request.to_dict`` as JSON:
bytes (headers, body) are base64, ``meta`` and ``cb_kwargs`` hold JSON values only,
plus :class:`~newscrawl.discovery.sources.Link` (the feed or sitemap hint) written out
explicitly. On the way back, a request class other than ``Request``, a callback
that is not a ``parse*`` method, or any unexpected value is refused with
:class:`UnsafeRequest`.

This module is the ``serializer`` scrapy-redis queues take: ``dumps`` and ``loads``.

>>> from scrapy import Request
>>> from newscrawl.discovery.sources import Link
>>> request = Request("https://e.com/a", meta={"hint": Link("https://e.com/a", "Title")}, body=b"\\xff")
>>> again = loads(dumps(request.to_dict()))
>>> again["meta"]["hint"], again["body"]
(Link(url='https://e.com/a', title='Title', published=None, modified=None), b'\\xff')
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from typing import Any

from newscrawl.discovery.sources import Link

LINK_TAG = "$link"
_SCALARS = (str, int, float, bool, type(None))
_FIELDS = frozenset({"url", "callback", "errback", "headers", "body", "cookies", "meta", "encoding",
                     "flags", "cb_kwargs", "dont_filter", "method", "priority"})
_CALLBACK_PREFIX = "parse"


class UnsafeRequest(ValueError):
    """A request that cannot be written as plain JSON, or read back safely."""


def dumps(request: dict) -> str:
    """``Request.to_dict()`` as JSON text."""
    unknown = set(request) - _FIELDS
    if unknown:
        raise UnsafeRequest(f"cannot queue a request with {sorted(unknown)}: {request.get('url')}")
    data = {**request, "body": _b64(request["body"]),
            "headers": {_b64(k): [_b64(v) for v in vs] for k, vs in request["headers"].items()},
            "meta": _encode_values(request["meta"], "meta"),
            "cb_kwargs": _encode_values(request["cb_kwargs"], "cb_kwargs")}
    return json.dumps(data, separators=(",", ":"))


def loads(text: str | bytes) -> dict:
    """The dict :func:`dumps` wrote, checked, for ``request_from_dict``."""
    data = json.loads(text)
    if not isinstance(data, dict) or set(data) - _FIELDS or not isinstance(data.get("url"), str):
        raise UnsafeRequest(f"not a queued request: {str(text)[:200]}")
    for name in ("callback", "errback"):
        if data.get(name) is not None and not str(data[name]).startswith(_CALLBACK_PREFIX):
            raise UnsafeRequest(f"refusing {name} {data[name]!r} of a queued request: {data['url']}")
    return {**data, "body": _unb64(data["body"]),
            "headers": {_unb64(k): [_unb64(v) for v in vs] for k, vs in data["headers"].items()},
            "meta": _decode_values(data["meta"]), "cb_kwargs": _decode_values(data["cb_kwargs"])}


def _encode_values(values: dict, where: str) -> dict:
    return {key: _encode(value, f"{where}[{key!r}]") for key, value in values.items()}


def _encode(value: Any, where: str) -> Any:
    """A JSON value, a list or dict of them, or a tagged :class:`Link`.

    >>> _encode({"a": (1, "x")}, "meta")
    {'a': [1, 'x']}
    >>> _encode(object(), "meta['x']")
    Traceback (most recent call last):
    ...
    newscrawl.distributed.serializer.UnsafeRequest: meta['x'] is a object, not a JSON value: distributed crawls queue requests as JSON
    """
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, Link):
        return {LINK_TAG: asdict(value)}
    if isinstance(value, (list, tuple)):
        return [_encode(v, where) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _encode(v, f"{where}[{k!r}]") for k, v in value.items()}
    raise UnsafeRequest(f"{where} is a {type(value).__name__}, not a JSON value: "
                        "distributed crawls queue requests as JSON")


def _decode_values(values: dict) -> dict:
    if not isinstance(values, dict):
        raise UnsafeRequest(f"expected an object, got {type(values).__name__}")
    return {key: _decode(value) for key, value in values.items()}


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict) and set(value) == {LINK_TAG}:
        return Link(**value[LINK_TAG])
    if isinstance(value, dict):
        return _decode_values(value)
    return value


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
