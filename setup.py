"""Build shim for scrapyd-deploy, which builds its egg through setup.py; metadata is in pyproject.toml."""

from setuptools import setup

setup()
