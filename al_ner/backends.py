"""Where heavy work runs: `local` (this process) or `ray` (a Ray cluster), and Ray's connection.

Ray is an optional extra (`pip install "al-ner[ray]"`); nothing here imports it until a caller
asks for the ray backend, so the local backend needs nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from .errors import BackendError, ConfigError

LOCAL = "local"
RAY = "ray"
BACKENDS = (LOCAL, RAY)
INSTALL_RAY = 'pip install "al-ner[ray]"'


def check_backend(name: str) -> str:
    """`name` if it is a known backend, else a ConfigError listing them."""
    if name not in BACKENDS:
        raise ConfigError(f"unknown backend '{name}'; choose one of: {', '.join(BACKENDS)}")
    return name


def import_ray() -> ModuleType:
    """The `ray` module, or a BackendError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise BackendError(f"the ray backend needs Ray, which is not installed: {INSTALL_RAY}") from None
    return ray


@contextmanager
def ray_session(address: str | None) -> Iterator[ModuleType]:
    """Ray, connected to `address` (None: $RAY_ADDRESS, the latest local cluster, or a new one).

    A connection made here is closed on exit (which also stops a cluster Ray started for it);
    one the caller made already is left open.
    """
    ray = import_ray()
    if ray.is_initialized():
        yield ray
        return
    try:
        ray.init(address=address, log_to_driver=False, logging_level=logging.WARNING,
                 include_dashboard=False)
    except ConnectionError as err:
        raise BackendError(f"can't connect to the Ray cluster at {address or '$RAY_ADDRESS'} ({err}); is it "
                           "running (`ray start --head`), and if it uses token authentication (Ray's "
                           "default), are RAY_AUTH_MODE=token and its token set here?") from None
    try:
        yield ray
    finally:
        ray.shutdown()
