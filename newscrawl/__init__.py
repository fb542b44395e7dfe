"""newscrawl: news sites in, clean article records (JSON lines) out.

The package tree is the architecture (see ARCHITECTURE.md). Modules that moved keep
working under their old dotted paths, with a :class:`DeprecationWarning`, so settings
and imports written for an older layout still load: :data:`MOVED` lists them.
"""

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

from newscrawl.extraction import extract_article

__all__ = ["extract_article"]

#: Old module path -> where it lives now.
MOVED = {
    "newscrawl.discovery_stats": "newscrawl.extensions.site_stats",
    "newscrawl.discovery_window": "newscrawl.discovery.window",
    "newscrawl.distributed_claims": "newscrawl.pipelines.claims",
    "newscrawl.distributed_frontier": "newscrawl.distributed.frontier",
    "newscrawl.distributed_leases": "newscrawl.distributed.leases",
    "newscrawl.distributed_politeness": "newscrawl.distributed.politeness",
    "newscrawl.distributed_scheduler": "newscrawl.distributed.scheduler",
    "newscrawl.distributed_serializer": "newscrawl.distributed.serializer",
    "newscrawl.distributed_worker": "newscrawl.distributed.worker",
    "newscrawl.items": "newscrawl.extraction.items",
    "newscrawl.links": "newscrawl.discovery.links",
    "newscrawl.loaders": "newscrawl.extraction.loader",
    "newscrawl.logformatter": "newscrawl.pipelines.logformatter",
    "newscrawl.middlewares.politeness": "newscrawl.middlewares.robotstxt",
    "newscrawl.processors": "newscrawl.extraction.processors",
    "newscrawl.run": "newscrawl.context",
    "newscrawl.scheduler": "newscrawl.schedulers.disk_queue",
    "newscrawl.state_redis": "newscrawl.state.redis",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports an old module path as the module that now lives elsewhere, with a warning."""

    def find_spec(self, name, path=None, target=None):
        return importlib.util.spec_from_loader(name, self) if name in MOVED else None

    def create_module(self, spec):
        warnings.warn(f"{spec.name} moved to {MOVED[spec.name]}; the old path will be removed",
                      DeprecationWarning, stacklevel=2)
        module = importlib.import_module(MOVED[spec.name])
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module):
        """Nothing to run (the module ran under its new path); give it back its own spec."""
        module.__spec__ = module.__spec__.loader_state


sys.meta_path.append(_MovedModules())
