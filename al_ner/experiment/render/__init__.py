"""Reports: Markdown, plots, and the results files whose snippets README.md and docs/ quote."""
