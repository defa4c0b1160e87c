"""Numbers from results: scoring models on evaluation sets, the statistics, coverage, the recommendation."""
