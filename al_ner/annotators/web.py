"""Annotate in the browser: a local web app that serves a session's questions until Ctrl-C.

Binds 127.0.0.1 by default. Binding any other address needs credentials from the environment:
``AL_NER_WEB_TOKEN=<secret>`` (the URL handed to `on_ready` then ends in ``?token=<secret>``) or
``AL_NER_WEB_AUTH=user:password`` (HTTP basic auth). Use a TLS proxy in front when the network
between the annotator and the server isn't trusted: neither is encrypted.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import uvicorn

from ..errors import ConfigError
from ..registry import annotators
from .web_app import LEASE_SECONDS, MAX_BODY_BYTES, create_app
from .web_guard import AUTH_ENV_VAR, TOKEN_ENV_VAR, TOKEN_PARAM, Access, access_from

LOCAL_NAMES = ("localhost",)


class WebAnnotator:
    """Serves the controller's questions in the browser; returns on Ctrl-C or `stop()`."""

    def __init__(self, *, host: str, port: int, access: Access,
                 on_ready: Callable[[str], Any] | None = None, batch_size: int | None = None,
                 exit_when_done: bool = False, max_body_bytes: int = MAX_BODY_BYTES,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        self.host = host
        self.port = port
        self.access = access
        self.on_ready = on_ready
        self.batch_size = batch_size
        self.exit_when_done = exit_when_done
        self.max_body_bytes = max_body_bytes
        self.lease_seconds = lease_seconds
        self._server: uvicorn.Server | None = None
        self._stopping = False
        self._error: BaseException | None = None

    def __call__(self, controller: Any) -> None:
        """Serve until Ctrl-C, `stop()` or (exit_when_done) the last answer; a source that fails,
        now or mid-session, stops the server and raises its error here, like the gold annotator."""
        controller.prime()
        sock = bind(self.host, self.port)
        app = create_app(controller, access=self.access, batch_size=self.batch_size,
                         allowed_hosts=local_host_names(self.host),
                         max_body_bytes=self.max_body_bytes, on_progress=self._check_done,
                         on_fatal=self._fail, lease_seconds=self.lease_seconds)
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off",
                                ws="none", timeout_graceful_shutdown=2)
        url = self.url(sock.getsockname()[1])
        self._server = _Server(config, on_started=lambda: self._ready(url))
        self._server.should_exit = self._stopping
        try:
            self._server.run(sockets=[sock])
        except KeyboardInterrupt:
            pass  # Ctrl-C is how a person ends the session: return so the caller reports it
        finally:
            sock.close()
            self._server = None
        if self._error is not None:
            raise self._error

    def url(self, port: int) -> str:
        """The address to open: with the access token, when there is one."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?{TOKEN_PARAM}={quote(self.access.token)}" if self.access.token else ""
        return f"http://{host}:{port}/{query}"

    def stop(self) -> None:
        """Ask the server to finish the requests in flight and return (from any thread)."""
        self._stopping = True
        if self._server is not None:
            self._server.should_exit = True

    def _fail(self, error: BaseException) -> None:
        self._error = error
        self.stop()

    def _ready(self, url: str) -> None:
        if self.on_ready is not None:
            self.on_ready(url)

    def _check_done(self, progress: dict[str, Any]) -> None:
        if self.exit_when_done and progress.get("done"):
            self.stop()


class _Server(uvicorn.Server):
    """A uvicorn server that says when it listens."""

    def __init__(self, config: uvicorn.Config, *, on_started: Callable[[], None]) -> None:
        super().__init__(config)
        self.on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.on_started()


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or a ConfigError saying why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except (OSError, OverflowError) as err:
        sock.close()
        reason = getattr(err, "strerror", None) or err
        raise ConfigError(f"can't listen on {host}:{port} ({reason}); "
                          "pass another --port, or --host 127.0.0.1") from None
    sock.setblocking(False)
    return sock


def is_local(host: str) -> bool:
    """True for loopback addresses and 'localhost': only this machine can connect."""
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_host_names(host: str) -> list[str] | None:
    """Host headers to accept on a loopback bind (stops DNS rebinding); None: any."""
    if not is_local(host):
        return None
    return ["localhost", "127.0.0.1", "::1", host]


@annotators("al_ner.web.v1")
def make_web_annotator(*, host: str = "127.0.0.1", port: int = 8080,
                       on_ready: Callable[[str], Any] | None = None, token: str | None = None,
                       auth: str | None = None, batch_size: int | None = None,
                       exit_when_done: bool = False, max_body_bytes: int = MAX_BODY_BYTES,
                       lease_seconds: float = LEASE_SECONDS) -> WebAnnotator:
    """A person annotating in the browser at http://host:port/.

    token, auth: the access token and 'user:password' (default: $AL_NER_WEB_TOKEN and
    $AL_NER_WEB_AUTH); one is required when `host` isn't a loopback address.
    on_ready: called with the URL once the server listens (the CLI prints it).
    batch_size: questions a tab fetches at once (default: the controller's batch size).
    exit_when_done: return once every question is answered (for scripts and tests).
    lease_seconds: a question a tab stopped renewing (closed without saying so) goes to the
        next tab that asks after this long.
    """
    if not (isinstance(port, int) and 0 <= port <= 65535):
        raise ConfigError(f"port must be an integer from 0 to 65535, got {port!r}")
    if batch_size is not None and batch_size < 1:
        raise ConfigError(f"batch size must be at least 1, got {batch_size}")
    if not lease_seconds > 0:
        raise ConfigError(f"lease_seconds must be positive, got {lease_seconds}")
    token = os.environ.get(TOKEN_ENV_VAR) if token is None else token
    auth = os.environ.get(AUTH_ENV_VAR) if auth is None else auth
    access = access_from(token, auth)
    if not is_local(host) and not access.required:
        raise ConfigError(f"binding to {host} lets other machines connect; set {TOKEN_ENV_VAR}="
                          f"<secret> or {AUTH_ENV_VAR}=user:password, or use --host 127.0.0.1")
    return WebAnnotator(host=host, port=port, access=access, on_ready=on_ready,
                        batch_size=batch_size, exit_when_done=exit_when_done,
                        max_body_bytes=max_body_bytes, lease_seconds=lease_seconds)
