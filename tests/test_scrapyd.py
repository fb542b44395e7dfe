"""The README's scrapyd deployment, for real: scrapyd on loopback, scrapyd-deploy, schedule.json."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from tests.conftest import FAST, REPO

CONF = """[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
poll_interval = 0.2
max_proc = 1
eggs_dir = {root}/eggs
logs_dir = {root}/logs
dbs_dir = {root}/dbs
"""
WAIT_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(url: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(url, body, timeout=10) as response:
        return json.load(response)


def wait_for(check, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def scrapyd(tmp_path):
    """A scrapyd serving on a free loopback port, from its own directory."""
    root = tmp_path / "scrapyd"
    root.mkdir()
    port = free_port()
    (root / "scrapyd.conf").write_text(CONF.format(port=port, root=root))
    log = open(root / "scrapyd.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=root, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_for(lambda: call(f"{url}/daemonstatus.json")["status"] == "ok", "scrapyd to start")
    yield url
    process.terminate()
    process.wait(timeout=20)
    log.close()


def deploy(url: str, tmp_path) -> None:
    """``scrapyd-deploy`` from a copy of the project whose scrapy.cfg points at ``url``."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "newscrawl", project / "newscrawl",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, project / name)
    config = (REPO / "scrapy.cfg").read_text().replace("http://127.0.0.1:6800/", f"{url}/")
    (project / "scrapy.cfg").write_text(config)
    done = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy"], cwd=project,
                          capture_output=True, text=True, timeout=WAIT_S)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"status": "ok"' in done.stdout + done.stderr


def test_deploy_and_schedule_a_crawl_on_scrapyd(scrapyd, demo_sites, tmp_path):
    deploy(scrapyd, tmp_path)
    output = tmp_path / "output"
    settings = {**FAST, "NEWSCRAWL_OUTPUT_DIR": str(output),
                "NEWSCRAWL_STATE_URI": f"sqlite:///{tmp_path / 'state.db'}"}
    job = call(f"{scrapyd}/schedule.json", [
        ("project", "newscrawl"), ("spider", "news"), ("sites", str(demo_sites)),
        *(("setting", f"{name}={value}") for name, value in settings.items())])
    assert job["status"] == "ok", job

    def finished():
        jobs = call(f"{scrapyd}/listjobs.json?project=newscrawl")["finished"]
        return [j for j in jobs if j["id"] == job["jobid"]]

    wait_for(finished, "the scheduled crawl to finish")
    (published,) = output.glob("news/*.jsonl")
    assert len(published.read_text("utf-8").splitlines()) == 13
    (summary,) = output.glob("news/*.summary.json")
    assert json.loads(summary.read_text())["closeReason"] == "finished"


def job_log(scrapyd: str, job_id: str) -> str:
    """The log of a finished job, as scrapyd serves it at its ``log_url``."""
    def finished():
        jobs = call(f"{scrapyd}/listjobs.json?project=newscrawl")["finished"]
        return [j for j in jobs if j["id"] == job_id]

    (job,) = wait_for(finished, f"job {job_id} to finish")
    with urllib.request.urlopen(f"{scrapyd}{job['log_url']}", timeout=10) as response:
        return response.read().decode("utf-8")


def test_a_failed_scrapyd_job_says_so_at_the_end_of_its_log(scrapyd, demo_sites, tmp_path):
    deploy(scrapyd, tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        gone = probe.getsockname()[1]
    unreachable = tmp_path / "unreachable.toml"
    unreachable.write_text(f'[[site]]\nname = "gone"\ndomains = ["127.0.0.1"]\n'
                           f'start_urls = ["http://127.0.0.1:{gone}/"]\n')
    base = [("project", "newscrawl"), ("spider", "news"),
            ("setting", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'output'}"),
            ("setting", f"NEWSCRAWL_STATE_URI=sqlite:///{tmp_path / 'state.db'}"),
            ("setting", "RETRY_ENABLED=0")]
    mistake = call(f"{scrapyd}/schedule.json", [*base, ("sites", str(demo_sites)),
                                                 ("setting", "NEWSCRAWL_BATCH_RECORDS=0")])
    failed = call(f"{scrapyd}/schedule.json", [*base, ("sites", str(unreachable))])

    lines = job_log(scrapyd, mistake["jobid"]).rstrip().splitlines()
    assert lines[-1].endswith("scrapy: error: NEWSCRAWL_BATCH_RECORDS=0: must be a whole number "
                              "of at least 1")
    lines = job_log(scrapyd, failed["jobid"]).rstrip().splitlines()
    assert lines[-1].endswith("FAILED: no site could be fetched: gone")
