"""Item pipelines: validate, deduplicate, publish."""
