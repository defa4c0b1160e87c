"""Why an arm might have hurt: what its sentences look like next to a random sample's, and why."""
