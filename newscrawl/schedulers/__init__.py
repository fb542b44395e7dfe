"""Where pending requests wait.

- :mod:`~newscrawl.schedulers.disk_queue`: on disk, on one machine (the default add-on);
- a distributed crawl's shared frontier on Redis is :mod:`newscrawl.distributed.scheduler`.
"""
