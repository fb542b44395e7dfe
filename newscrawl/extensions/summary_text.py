"""The run summary as a person reads it at the end of the log: a few lines, the verdict last."""

from __future__ import annotations

from pathlib import Path


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an ``s`` unless there is one.

    >>> plural(1, "batch"), plural(2, "batch"), plural(0, "article")
    ('1 batch', '2 batches', '0 articles')
    """
    if count == 1:
        return f"1 {noun}"
    return f"{count} {noun}{'es' if noun.endswith(('s', 'ch', 'sh', 'x')) else 's'}"


def counted(counts: dict[str, int]) -> str:
    """``name n`` pairs, largest first; ``none`` for nothing.

    >>> counted({"NotAnArticle": 7, "DuplicateUrl": 1}), counted({})
    ('NotAnArticle 7, DuplicateUrl 1', 'none')
    """
    pairs = sorted(((n, k) for k, n in counts.items() if n), key=lambda p: (-p[0], p[1]))
    return ", ".join(f"{name} {n}" for n, name in pairs) or "none"


def published_line(summary: dict) -> str:
    by_site = "; ".join(f"{site} {sum(by.values())} ({counted(by)})"
                        for site, by in summary["publishedBySite"].items())
    return (f"  published {plural(summary['published'], 'article')} in "
            f"{plural(len(summary['batches']), 'batch')}" + (f": {by_site}" if by_site else ""))


def fetched_line(summary: dict) -> str:
    skipped = sum(summary["skippedBeforeDownload"].values())
    unchanged = sum(summary["notModified"].values())
    return (f"  fetched {plural(sum(summary['fetched'].values()), 'page')} from "
            f"{plural(len(summary['fetched']), 'site')} of {len(summary['sites'])}; not fetched "
            f"again: {plural(skipped, 'link')} to articles published before; "
            f"feeds and sitemaps unchanged: {unchanged}")


def errors_line(summary: dict) -> str:
    errs = summary["errors"]
    downloads, spider = sum(errs["download"].values()), sum(errs["spider"].values())
    if not (errs["logged"] or downloads or spider):
        return "  errors: none"
    return (f"  errors: {errs['logged']} logged, {plural(downloads, 'failed download')} "
            f"({counted(errs['download'])}), {plural(spider, 'spider exception')}")


def sites_line(summary: dict) -> str:
    layout = "; ".join(f"{site} ({', '.join(f'{f} -{p} points' for f, p in fields.items())})"
                       for site, fields in summary["layoutChanges"].items())
    return (f"  sites not fetched: {', '.join(summary['unreachableSites']) or 'none'}; "
            f"silent: {', '.join(summary['silentSites']) or 'none'}; "
            f"layout changed: {layout or 'none'}")


def summary_lines(summary: dict, path: Path | None) -> list[str]:
    """The one-screen form of a summary; a failed run ends with a ``FAILED:`` line per reason."""
    drops = summary["drops"]
    return [
        f"run {summary['run']} {summary['closeReason']}: "
        f"{'FAILED' if summary['reasons'] else 'OK'}",
        published_line(summary),
        fetched_line(summary),
        f"  dropped {plural(sum(drops.values()), 'record')}: {counted(drops)}",
        f"  kept as near-duplicates (duplicateOf): {summary['duplicates']['nearMarked']}",
        errors_line(summary),
        sites_line(summary),
        *([f"  summary: {path}"] if path else []),
        *(f"FAILED: {reason}" for reason in summary["reasons"]),
    ]
