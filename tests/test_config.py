"""The sites config: valid files load, bad ones fail naming file, site and key."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newscrawl.config import ConfigError, load_sites
from tests.conftest import REPO

VALID = """
[[site]]
name = "herald"
domains = ["herald.example"]
start_urls = ["https://herald.example/"]
feeds = ["https://herald.example/feed.xml"]
sitemaps = ["robots", "https://herald.example/news-sitemap.xml"]
article_url_patterns = ['/\\d{4}/\\d{2}/']
timezone = "Europe/Vienna"

[site.selectors]
headline = "h1.title::text"
authors = "//span[@class='byline']/a/text()"
"""


def write(tmp_path, text):
    path = tmp_path / "sites.toml"
    path.write_text(text)
    return path


def test_valid_config_loads_every_key(tmp_path):
    (site,) = load_sites(write(tmp_path, VALID))
    assert site.name == "herald"
    assert site.domains == ("herald.example",)
    assert site.sitemaps == ("robots", "https://herald.example/news-sitemap.xml")
    assert site.timezone == "Europe/Vienna"
    assert site.selectors["authors"].startswith("//span")
    assert site.is_article_url("https://herald.example/2026/11/story.html")
    assert not site.is_article_url("https://herald.example/world/")


@pytest.mark.parametrize(
    ("replace", "by", "key"),
    [
        ('name = "herald"', 'name = "../../etc"', "'name'"),
        ('domains = ["herald.example"]', "domains = []", "'domains'"),
        ('start_urls = ["https://herald.example/"]', 'start_urls = ["file:///etc/passwd"]', "'start_urls'"),
        ('feeds = ["https://herald.example/feed.xml"]', "feeds = 3", "'feeds'"),
        ('sitemaps = ["robots", ', 'sitemaps = ["robot", ', "'sitemaps'"),
        ("article_url_patterns = ['/\\d{4}/\\d{2}/']", "article_url_patterns = ['(']", "'article_url_patterns'"),
        ('timezone = "Europe/Vienna"', 'timezone = "Mars/Olympus"', "'timezone'"),
        ('headline = "h1.title::text"', 'headline = "h1[["', "'selectors.headline'"),
        ('headline = "h1.title::text"', 'body = "div"', "'selectors.body'"),
        ('timezone = "Europe/Vienna"', 'timezone = "UTC"\nstart_url = "x"', "'start_url'"),
    ],
)
def test_bad_key_is_named(tmp_path, replace, by, key):
    assert replace in VALID
    path = write(tmp_path, VALID.replace(replace, by))
    with pytest.raises(ConfigError) as error:
        load_sites(path)
    message = str(error.value)
    assert str(path) in message and key in message
    assert "site 'herald'" in message or "site #1" in message


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_sites(write(tmp_path, "[[site]\nname="))
    with pytest.raises(ConfigError, match="cannot read"):
        load_sites(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"no \[\[site\]\] tables"):
        load_sites(write(tmp_path, "title = 'x'"))


def test_duplicate_site_names(tmp_path):
    with pytest.raises(ConfigError, match="used by two sites"):
        load_sites(write(tmp_path, VALID + VALID.split("[site.selectors]")[0]))


def test_shipped_example_config_is_valid():
    sites = load_sites(REPO / "sites.example.toml")
    assert len(sites) >= 4


def test_crawl_with_bad_config_stops_before_any_request(tmp_path):
    path = write(tmp_path, VALID.replace('timezone = "Europe/Vienna"', 'timezone = "Nowhere"'))
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={path}",
         "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'out'}"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert f"{path}: site 'herald': key 'timezone'" in done.stderr
    assert "Spider opened" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_deny_patterns_are_compiled_and_validated(tmp_path):
    (site,) = load_sites(write(tmp_path, VALID.replace(
        'timezone = "Europe/Vienna"', 'timezone = "Europe/Vienna"\ndeny_url_patterns = ["/live/"]')))
    assert site.is_denied_url("https://herald.example/live/feed") and not site.is_denied_url("https://herald.example/a")
    with pytest.raises(ConfigError, match="'deny_url_patterns'"):
        load_sites(write(tmp_path, VALID.replace(
            'timezone = "Europe/Vienna"', 'timezone = "Europe/Vienna"\ndeny_url_patterns = ["["]')))


def test_crawl_with_bad_since_stops_before_any_request(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"sites={write(tmp_path, VALID)}",
         "-a", "since=last tuesday", "-s", f"NEWSCRAWL_OUTPUT_DIR={tmp_path / 'out'}"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    assert "since" in done.stderr.splitlines()[-1]
    assert not (tmp_path / "out").exists()
