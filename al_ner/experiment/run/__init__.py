"""Running: the runner and its Steps (spaCy's, compare's replay) and backends (local, Ray), demo datasets."""
