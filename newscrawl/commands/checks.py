"""What the commands check before they start: settings, spider arguments, the state URI.

Every ``NEWSCRAWL_*`` setting has a type and an allowed range, in one table
(:data:`SETTING_RULES`); a setting without a row there is checked against the type of
its default in ``newscrawl/settings.py``. A mistake is a :class:`UsageError` whose
message names the setting or argument, the value given and what is allowed; the
commands print it as one line and exit with status 2, before any crawler exists
(:mod:`newscrawl.commands.usage`).
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import re
from dataclasses import dataclass

from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from newscrawl import settings as defaults

PREFIX = "NEWSCRAWL_"
_SQLITE_URI = re.compile(r"^sqlite:///(?P<path>.+)$")
_REDIS_URI = re.compile(r"^(?:rediss?|redis\+cluster)://(?:[^@/]*@)?(?P<host>[^:/]+)"
                        r"(?::(?P<port>\d{1,5}))?(?:/(?P<db>\d+)?)?$")


@dataclass(frozen=True)
class Rule:
    """The type of a setting and its allowed range or values.

    ``kind`` is ``bool``, ``int``, ``float``, ``text``, ``choice`` or ``state_uri``;
    ``low`` is excluded when ``low_open``.
    """

    kind: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    choices: tuple[str, ...] = ()


POSITIVE = Rule("float", low=0, low_open=True)
NON_NEGATIVE = Rule("float", low=0)
AT_LEAST_ONE = Rule("int", low=1)

#: Every NEWSCRAWL_* setting whose type alone does not say what is allowed.
SETTING_RULES: dict[str, Rule] = {
    "NEWSCRAWL_OUTPUT_DIR": Rule("text"),
    "NEWSCRAWL_STATE_URI": Rule("state_uri"),
    "NEWSCRAWL_NEAR_DUPLICATES": Rule("choice", choices=("mark", "drop", "off")),
    "NEWSCRAWL_NEAR_DUPLICATE_THRESHOLD": Rule("float", low=0, high=1, low_open=True),
    "NEWSCRAWL_BATCH_RECORDS": AT_LEAST_ONE,
    "NEWSCRAWL_BATCH_SECONDS": NON_NEGATIVE,
    "NEWSCRAWL_SITEMAP_MAX_DEPTH": Rule("int", low=0),
    "NEWSCRAWL_SITEMAP_MAX_URLS": AT_LEAST_ONE,
    "NEWSCRAWL_SITEMAP_MAX_BYTES": AT_LEAST_ONE,
    "NEWSCRAWL_RETRY_AFTER_MAX": NON_NEGATIVE,
    "NEWSCRAWL_RETRY_BACKOFF": NON_NEGATIVE,
    "NEWSCRAWL_IDLE_EXIT": POSITIVE,
    "NEWSCRAWL_LEASE_SECONDS": POSITIVE,
    "NEWSCRAWL_REDIS_GIVE_UP": POSITIVE,
    "NEWSCRAWL_WORKER_LEASES": AT_LEAST_ONE,
    "NEWSCRAWL_EXTRACT_MAX_SOURCE_CHARS": Rule("int", low=0),  # 0: no limit
    "NEWSCRAWL_EXTRACT_MAX_ELEMENTS": Rule("int", low=0),
    "NEWSCRAWL_EXTRACT_MAX_TEXT_CHARS": Rule("int", low=0),
    "NEWSCRAWL_EXTRACT_MAX_SECONDS": NON_NEGATIVE,
    "NEWSCRAWL_MAX_HELD_PAGE_BYTES": Rule("int", low=0),  # 0: no limit
    "NEWSCRAWL_ARCHIVE_DIR": Rule("text"),
    "NEWSCRAWL_ARCHIVE_MAX_BYTES": AT_LEAST_ONE,
    "NEWSCRAWL_ARCHIVE_WORKERS": Rule("int", low=0),  # 0: one per core
    "NEWSCRAWL_EXTRACT_PROCESSES": Rule("int", low=0),  # 0: in the crawl's own process
    "NEWSCRAWL_EXTRACT_WORKER_MAX_MB": Rule("int", low=0),  # 0: never replace a worker
}

_KIND_OF_DEFAULT = {bool: "bool", int: "int", float: "float"}


def default_names() -> list[str]:
    """The NEWSCRAWL_* settings that have a default in ``newscrawl/settings.py``."""
    return sorted(name for name in vars(defaults) if name.startswith(PREFIX))


def rule_for(name: str) -> Rule | None:
    """The rule of a setting: its row in :data:`SETTING_RULES`, else the type of its default
    when that is a bool or a number (a text or other default takes any value).

    >>> rule_for("NEWSCRAWL_BATCH_RECORDS").low, rule_for("NEWSCRAWL_OUTPUT_GZIP").kind
    (1, 'bool')
    >>> rule_for("NEWSCRAWL_NO_SUCH") is None
    True
    """
    if name in SETTING_RULES:
        return SETTING_RULES[name]
    kind = _KIND_OF_DEFAULT.get(type(getattr(defaults, name, None)))
    return Rule(kind) if kind else None


def allowed(rule: Rule) -> str:
    """What a rule allows, in words.

    >>> allowed(Rule("float", low=0, high=1, low_open=True))
    'a number greater than 0 and at most 1'
    >>> allowed(Rule("int", low=1))
    'a whole number of at least 1'
    >>> allowed(Rule("choice", choices=("mark", "drop")))
    'one of mark, drop'
    """
    if rule.kind == "choice":
        return "one of " + ", ".join(rule.choices)
    if rule.kind == "bool":
        return "true or false (also 1 or 0)"
    if rule.kind == "state_uri":
        return ("sqlite:///RELATIVE/PATH, sqlite:////ABSOLUTE/PATH, redis://HOST:PORT/DB "
                "or redis+cluster://HOST:PORT")
    if rule.kind == "text":
        return "a non-empty value"
    bounds = []
    if rule.low is not None:
        bounds.append(f"greater than {rule.low:g}" if rule.low_open else f"of at least {rule.low:g}")
    if rule.high is not None:
        bounds.append(f"at most {rule.high:g}")
    noun = "a whole number" if rule.kind == "int" else "a number"
    return " ".join([noun, " and ".join(bounds)]).strip()


def _typed(settings: BaseSettings, name: str, kind: str):
    getter = {"bool": settings.getbool, "int": settings.getint, "float": settings.getfloat}
    return getter[kind](name) if kind in getter else settings.get(name)


def in_range(value: float, rule: Rule) -> bool:
    """True when ``value`` lies within the rule's bounds.

    >>> in_range(0, Rule("float", low=0, low_open=True)), in_range(0.7, Rule("float", 0, 1))
    (False, True)
    """
    if rule.low is not None and (value <= rule.low if rule.low_open else value < rule.low):
        return False
    return rule.high is None or value <= rule.high


def setting_problem(settings: BaseSettings, name: str, rule: Rule) -> str | None:
    """Why the value of setting ``name`` breaks its rule, or ``None`` when it is fine."""
    try:
        value = _typed(settings, name, rule.kind)
    except (TypeError, ValueError):
        return allowed(rule)
    if rule.kind == "choice" and value not in rule.choices:
        return allowed(rule)
    if rule.kind == "text" and not str(value or "").strip():
        return allowed(rule)
    if rule.kind == "state_uri":
        return state_uri_problem(str(value or ""))
    if rule.kind in ("int", "float") and not in_range(value, rule):
        return allowed(rule)
    return None


def state_uri_problem(uri: str) -> str | None:
    """Why a state URI cannot name a store, or ``None``.

    >>> state_uri_problem("sqlite:///state/newscrawl.db") is None
    True
    >>> state_uri_problem("sqlite://state.db")
    'must be sqlite:///RELATIVE/PATH, sqlite:////ABSOLUTE/PATH, redis://HOST:PORT/DB or redis+cluster://HOST:PORT'
    >>> state_uri_problem("redis://localhost:99999/0")
    'the Redis port must be 1-65535'
    >>> state_uri_problem("redis+cluster://10.0.0.5:7000") is None
    True
    """
    if _SQLITE_URI.match(uri):
        return None
    match = _REDIS_URI.match(uri)
    if not match:
        return "must be " + allowed(Rule("state_uri"))
    if match["port"] and not 0 < int(match["port"]) < 65536:
        return "the Redis port must be 1-65535"
    if importlib.util.find_spec("redis") is None:
        return "a redis:// store needs the redis extra: pip install 'newscrawl[redis]'"
    return None


def given_names(settings: BaseSettings) -> list[str]:
    """NEWSCRAWL_* settings given on the command line (``-s``)."""
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    return sorted(name for name in settings if name.startswith(PREFIX)
                  and settings.getpriority(name) == cmdline)


def check_settings(settings: BaseSettings) -> None:
    """Raise :class:`UsageError` for the first NEWSCRAWL_* setting that is unknown or wrong."""
    known = sorted(set(default_names()) | set(SETTING_RULES))
    for name in given_names(settings):
        if name not in known:
            raise UsageError(f"unknown setting {name}{_did_you_mean(name, known)}; "
                             "the settings are listed in the README", print_help=False)
    for name in (n for n in known if settings.get(n) is not None and rule_for(n)):
        problem = setting_problem(settings, name, rule_for(name))
        if problem:
            raise UsageError(f"{name}={settings.get(name)!s}: {_must(problem)}", print_help=False)


def _must(problem: str) -> str:
    """``must be ...`` for a description of what is allowed; other problems as they are."""
    return problem if problem.startswith(("must", "the ", "a redis")) else f"must be {problem}"


def _did_you_mean(word: str, candidates: list[str]) -> str:
    """`` (did you mean X?)`` for the closest candidate, if one is close.

    >>> _did_you_mean("site", ["sites", "since"])
    " (did you mean 'sites'?)"
    >>> _did_you_mean("zzz", ["sites"])
    ''
    """
    close = difflib.get_close_matches(word, candidates, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def spider_parameters(spidercls: type) -> list[str]:
    """The keyword arguments a spider's ``__init__`` names (``-a NAME=VALUE``)."""
    parameters = inspect.signature(spidercls.__init__).parameters.values()
    return [p.name for p in parameters if p.name != "self"
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def check_spider_arguments(spidercls: type, spargs: dict, required: dict[str, str]) -> None:
    """Raise :class:`UsageError` for a missing or unknown ``-a`` argument; ``required``
    maps each required argument to the value it wants, in words.

    Names starting with ``_`` (scrapyd's ``_job``) are Scrapy's own and always allowed.
    """
    known = spider_parameters(spidercls)
    for name in sorted(spargs):
        if known and not name.startswith("_") and name not in known:
            raise UsageError(
                f"-a {name}={spargs[name]}: unknown argument of spider {spidercls.name!r}"
                f"{_did_you_mean(name, known)}; it takes "
                + ", ".join(f"-a {k}=..." for k in known), print_help=False)
    for name, wanted in required.items():
        if not spargs.get(name):
            raise UsageError(f"spider {spidercls.name!r} needs -a {name}=: {wanted}",
                             print_help=False)
