"""Which inputs are held out for dev: decided by each input's hash alone.

One rule for data-to-spacy's dev split and the experiment's annotation dev split: an input goes
to dev when its seeded bucket (0-9,999, from the murmur hash of seed and input hash) is below
share x 10,000. So an input keeps its side as data is added (a dev input never moves into
train between two exports) and every answer about one input lands on the same side. The share
is met on average, not exactly (20 % of 100 inputs: about 20).
"""

from __future__ import annotations

from collections.abc import Iterable

from murmurhash.mrmr import hash as murmur

from ..errors import ConfigError

BUCKETS = 10_000


def check_share(share: float, *, name: str = "eval_split") -> float:
    """`share` if it is in [0, 1), else a ConfigError naming the setting."""
    if not 0.0 <= share < 1.0:
        raise ConfigError(f"{name} must be in [0, 1), got {share}")
    return share


def dev_bucket(input_hash: int, *, seed: int) -> int:
    """The input's seeded bucket, 0 to BUCKETS - 1."""
    return int(murmur(f"{seed}:{input_hash}")) % BUCKETS


def in_dev(input_hash: int, *, share: float, seed: int) -> bool:
    """Whether the input with this hash is held out for dev (see the module docstring)."""
    return dev_bucket(input_hash, seed=seed) < share * BUCKETS


def held_out(hashes: Iterable[int], *, share: float, seed: int, at_least_one: bool = False,
             name: str = "eval_split") -> set[int]:
    """The input hashes of `hashes` that go to dev.

    at_least_one: when none does but there are two or more inputs and share > 0, the one with the
    lowest bucket (so a small export still has a dev set; it can go back to train once another
    input's own bucket puts that one in dev).
    """
    check_share(share, name=name)
    unique = set(hashes)
    dev = {h for h in unique if in_dev(h, share=share, seed=seed)}
    if at_least_one and not dev and share > 0 and len(unique) > 1:
        dev.add(min(unique, key=lambda h: (dev_bucket(h, seed=seed), h)))
    return dev
