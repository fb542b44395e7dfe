"""``python -m newscrawl.fixtures`` and ``python -m newscrawl.demo`` take what their help says,
stay in their folder, never overwrite silently, and report mistakes in one line."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.conftest import DEMO, REPO
from tests.test_usage_errors import assert_one_line

FIXTURES = [sys.executable, "-m", "newscrawl.fixtures"]
DEMO_CLI = [sys.executable, "-m", "newscrawl.demo"]
ARTICLE = "2026/11/frustrated-by-us-some-iraqis-look-to-russia.html"


def run(command: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("arguments, words", [
    (["save", "page.html", "--name", "../escape", "--url", "http://e.com/a"], ["--name ../escape"]),
    (["save", "page.html", "--name", ".hidden", "--url", "http://e.com/a"], ["--name .hidden"]),
    (["save", "no-such.html", "--name", "a", "--url", "http://e.com/a"], ["no-such.html", "no such file"]),
    (["save", "README.md", "--name", "a"], ["needs --url"]),
])
def test_fixtures_save_mistake_is_one_line_and_exit_2(arguments, words, tmp_path):
    assert_one_line(run([*FIXTURES, "--dir", str(tmp_path), *arguments]), words)
    assert not list(tmp_path.iterdir()) and not (tmp_path.parent / "escape.html").exists()


def test_fixtures_save_never_overwrites_without_the_flag(demo_server, tmp_path):
    save = [*FIXTURES, "--dir", str(tmp_path), "save", f"{demo_server}/{ARTICLE}", "--name", "herald"]
    assert run(save).returncode == 0
    (tmp_path / "herald.json").write_text("kept")
    assert_one_line(run(save), ["--name herald", "--overwrite"])
    assert (tmp_path / "herald.json").read_text() == "kept"
    assert run([*save, "--overwrite"]).returncode == 0
    assert (tmp_path / "herald.json").read_text() != "kept"


@pytest.mark.parametrize("path, words", [("nope.html", ["HTTP 404"]), (None, ["unreachable"])])
def test_fixtures_save_of_a_page_that_does_not_come_is_one_line_and_exit_1(demo_server, path, words,
                                                                            tmp_path):
    url = f"{demo_server}/{path}" if path else "http://127.0.0.1:1/x"
    done = run([*FIXTURES, "--dir", str(tmp_path), "save", url, "--name", "a"])
    assert_one_line(done, [url, *words], status=1)


def test_demo_crawl_passes_scrapy_options_on(tmp_path):
    done = run([*DEMO_CLI, "crawl", "--port", "0", "-s", "NEWSCRAWL_BATCH_RECORDS=0"])
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        "scrapy: error: NEWSCRAWL_BATCH_RECORDS=0: must be a whole number of at least 1"]
    assert "sites=/tmp" not in done.stdout  # no path to a file deleted when the demo ends


@pytest.mark.parametrize("arguments, words", [
    (["serve", "--root", "nope"], ["--root nope"]),
    (["--root", "nope", "serve"], ["--root nope"]),
    (["crawl", "--sites", "nope.toml"], ["--sites nope.toml"]),
    (["serve", "-s", "X=1"], ["unrecognized arguments: -s X=1"]),
])
def test_demo_mistake_is_one_line_and_exit_2(arguments, words):
    assert_one_line(run([*DEMO_CLI, *arguments]), words)


def test_demo_on_a_busy_port_is_one_line_and_exit_1():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        for arguments in (["serve", "--port", port], ["--port", port, "serve"]):
            assert_one_line(run([*DEMO_CLI, *arguments]), [port, "in use", "--port 0"], status=1)


def test_demo_serve_takes_port_after_the_subcommand():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([*DEMO_CLI, "serve", "--port", str(port), "--root", str(DEMO / "site")],
                               cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
