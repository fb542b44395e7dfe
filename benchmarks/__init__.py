"""newscrawl's performance benchmarks: ``python -m benchmarks`` (see benchmarks/README.md).

Benchmarks are not tests: they measure, print a table and never assert on wall-clock time.
"""
