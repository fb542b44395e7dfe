"""Spiders of the benchmarks (loaded with ``-s SPIDER_MODULES=benchmarks.spiders``)."""
