"""What an experiment reads and writes: corpus, splits, config, cost model, provenance, results layout."""
