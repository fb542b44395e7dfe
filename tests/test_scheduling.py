"""The README's cron line works as written on a fresh machine: run by ``sh`` as cron would,
with a bare environment, from a project folder that has no ``logs/`` yet."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO, REPO

CRON_LINE = re.compile(r"^\*/15 \* \* \* \* (?P<command>.+)$", re.MULTILINE)
CRON_ENV = {"PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", "LANG": "C.UTF-8"}


def readme_cron_command(project: Path) -> str:
    (command,) = CRON_LINE.findall((REPO / "README.md").read_text("utf-8"))
    return command.replace("/srv/newscrawl", str(project))


def fresh_project(folder: Path, demo_server: str) -> Path:
    """What the README's deployment has in /srv/newscrawl: the project, a venv, sites.toml."""
    from newscrawl.demo import render_sites

    folder.mkdir()
    (folder / "scrapy.cfg").write_text((REPO / "scrapy.cfg").read_text())
    (folder / ".venv").symlink_to(Path(sys.executable).parent.parent)
    render_sites(DEMO / "sites.toml", demo_server, folder / "sites.toml")
    return folder


def test_readme_cron_line_runs_a_crawl_and_logs_it(demo_server, tmp_path):
    project = fresh_project(tmp_path / "newscrawl", demo_server)
    done = subprocess.run(["/bin/sh", "-c", readme_cron_command(project)], cwd=tmp_path,
                          env={**CRON_ENV, "HOME": str(tmp_path)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and done.stdout == done.stderr == "", done.stderr
    log = (project / "logs" / "crawl.log").read_text()
    assert " finished: OK" in log and log.rstrip().splitlines()[-1].endswith(".summary.json")
    assert len(list((project / "output" / "news").glob("*.jsonl"))) == 1
    assert (project / "state" / "newscrawl.db").is_file()
