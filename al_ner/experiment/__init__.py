"""Experiments: simulated manual-vs-active annotation runs, and comparisons of real ones.

Sub-packages, each with one job; a package imports only those above it in this list:

- `data`: the corpus and its splits, the experiment config, the cost model, provenance, and the
  results folder's layout (file names, result rows, per-document counts).
- `analysis`: statistics over the rows (paired bootstrap, verdicts), scoring a model on the
  evaluation sets, the health check's coverage, the figures behind the recommendation.
- `run`: the runner (checkpoints, reuse, rows, meta) with its `Steps` (spaCy's, or compare's replay
  of recorded answers) and backends (local, Ray), and the gold-annotated demo datasets.
- `diagnose`: why an arm might have hurt: profiles, shift test, evidence, likely causes.
- `render`: Markdown reports, plots, results files with the snippets README.md and docs/ quote.

Nothing here prints or parses a command line: `al-ner experiment ...` (al_ner/cli/experiment.py)
calls these steps and prints what they return.
"""
