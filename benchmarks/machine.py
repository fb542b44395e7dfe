"""What the benchmarks ran on, printed above the figures."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGES = ("scrapy", "twisted", "lxml", "parsel", "trafilatura")


def machine_info() -> dict[str, str]:
    """CPU, cores, memory, load, OS, Python, the versions that matter and the commit."""
    info = {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{_meminfo_kb('MemTotal') / 2**20:.1f} GiB",
        "load average": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    info.update({name: _version(name) for name in PACKAGES})
    info["commit"] = _commit()
    return info


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _meminfo_kb(field: str) -> int:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    """The checked-out commit, with ``+changes`` when the work tree differs from it."""
    repo = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=repo, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+changes" if dirty else head
