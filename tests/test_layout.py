"""The package tree is the architecture: layers, no circles, a small root, old paths kept."""

from __future__ import annotations

import ast
import importlib
import re
import sys
from pathlib import Path

import pytest
from scrapy.utils.misc import load_object

import newscrawl
from newscrawl import settings

PACKAGE = Path(newscrawl.__file__).parent

#: Lowest first: a module may import from its own layer and the layers before it.
LAYERS = (
    {"settings", "urls", "neardup", "config"},
    {"extraction", "<root>"},
    {"reader", "state", "discovery"},
    {"context"},
    {"distributed", "schedulers"},
    {"middlewares", "pipelines", "extensions"},
    {"spiders", "commands", "archive"},
    {"demo", "fixtures", "evaluate", "evaluation"},
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """The newscrawl modules ``path`` imports (``from newscrawl import x`` counts as ``newscrawl.x``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in MODULES else node.module)
    return {name for name in names if name in MODULES and name != module_name(path)}


def subsystem(module: str) -> str:
    """``newscrawl.state.sqlite`` -> ``state``; the package itself is ``<root>``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "<root>"


def layer(module: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if subsystem(module) in names)


GRAPH = {module: imports_of(path) for module, path in MODULES.items()}


def test_every_subsystem_has_a_layer():
    assert all(layer(module) >= 0 for module in MODULES)


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{m} -> {i}" for m, imports in GRAPH.items() for i in imports if layer(i) > layer(m)]
    assert upward == []


def test_there_is_no_import_circle():
    circles, done, path = [], set(), []

    def visit(module: str) -> None:
        path.append(module)
        for imported in GRAPH[module]:
            if imported in path:
                circles.append(path[path.index(imported):] + [imported])
            elif imported not in done:
                visit(imported)
        path.pop()
        done.add(module)

    for module in GRAPH:
        if module not in done:
            visit(module)
    assert circles == []


def test_at_most_ten_modules_sit_at_the_root():
    assert len(list(PACKAGE.glob("*.py"))) <= 10


def test_every_package_says_its_job():
    packages = [path for path in PACKAGE.rglob("__init__.py")]
    assert [str(p) for p in packages if not ast.get_docstring(ast.parse(p.read_text()))] == []


def test_the_spider_uses_only_the_public_extraction_api():
    spider_imports = set().union(*(imports for module, imports in GRAPH.items()
                                   if module.startswith("newscrawl.spiders")))
    assert {m for m in spider_imports if subsystem(m) == "extraction"} == {"newscrawl.extraction"}


def test_no_component_sets_or_reads_attributes_on_the_crawler_or_the_spider():
    # Scrapy's own spider attributes (handle_httpstatus_list) are read as Scrapy reads them.
    ad_hoc = re.compile(r'crawler\.newscrawl_|getattr\([\w.]*crawler, "'
                        r'|getattr\([\w.]*spider, "(?!handle_httpstatus_list")')
    found = [f"{path}: {line.strip()}" for path in PACKAGE.rglob("*.py")
             for line in path.read_text().splitlines() if ad_hoc.search(line)]
    assert found == []


@pytest.mark.parametrize("old, new", sorted(newscrawl.MOVED.items()))
def test_a_moved_module_still_imports_from_its_old_path_with_a_warning(old, new, monkeypatch):
    monkeypatch.delitem(sys.modules, old, raising=False)
    with pytest.warns(DeprecationWarning, match=re.escape(new)):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    assert module.__spec__.name == new


@pytest.mark.parametrize("path", [
    "newscrawl.middlewares.politeness.Rfc9309RobotsTxtMiddleware",
    "newscrawl.scheduler.DiskQueueMode",
    "newscrawl.distributed_claims.ClaimPipeline",
    "newscrawl.discovery_stats.SiteStats",
    "newscrawl.logformatter.NewsLogFormatter",
])
def test_an_old_class_path_in_user_settings_still_loads(path, monkeypatch):
    monkeypatch.delitem(sys.modules, path.rsplit(".", 1)[0], raising=False)
    with pytest.warns(DeprecationWarning):
        assert load_object(path).__name__ == path.rsplit(".", 1)[1]


@pytest.mark.parametrize("path", [
    "newscrawl.reader.read_published", "newscrawl.state.open_state",
    "newscrawl.extensions.RunSummary", "newscrawl.distributed.DistributedMode",
])
def test_public_paths_kept_as_they_were(path):
    assert callable(load_object(path))


def test_every_component_the_settings_name_loads():
    paths = [p for table in (settings.DOWNLOADER_MIDDLEWARES, settings.SPIDER_MIDDLEWARES,
                             settings.ITEM_PIPELINES, settings.EXTENSIONS, settings.ADDONS)
             for p, order in table.items() if p.startswith("newscrawl.") and order is not None]
    assert [load_object(p).__module__ for p in paths] == [p.rsplit(".", 1)[0] for p in paths]
