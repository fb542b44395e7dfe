"""Item pipelines: every step a record takes from the spider to a published line.

The order, and what each stage adds (``ITEM_PIPELINES`` in :mod:`newscrawl.settings`;
the distributed add-on inserts the claim step):

====  =====================================  ===============================================
 100  :mod:`~.validate` ValidatePipeline      drops non-articles and records without a
                                              headline or body; adds nothing
 150  :mod:`~.window` DateWindowPipeline      with ``-a since`` only (the window is the
                                              spider's, from the crawl context); drops older
 200  :mod:`~.dedupe` DedupePipeline          drops duplicates; adds ``metadata.fingerprint``,
                                              ``metadata.version`` and, for a near-duplicate,
                                              ``duplicateOf``; puts the article it admitted in
                                              ``CrawlContext.admitted``
 800  :mod:`~.claims` ClaimPipeline           distributed only: claims the admitted article
                                              in Redis, drops what another worker claimed
 900  :mod:`~.publish` JsonLinesPipeline      writes the record as it is, and stores the
                                              admitted article (or ``article_of(record)``)
                                              with its batch; sends ``batch_publishing``
                                              before a batch is published (the archive
                                              finishes its WARC file) and
                                              ``articles_committed`` once it is
====  =====================================  ===============================================

Each drop is a typed :class:`~scrapy.exceptions.DropItem` subclass, counted by reason and
logged one line each (:mod:`~.logformatter`).
"""
