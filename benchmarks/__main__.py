"""``python -m benchmarks``: run the benchmarks and print the results table."""

import sys

from benchmarks.run import main

sys.exit(main())
