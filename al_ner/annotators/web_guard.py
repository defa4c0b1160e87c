"""Who may talk to the web app: Host-header check, access token or basic auth, safe headers."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ConfigError

TOKEN_ENV_VAR = "AL_NER_WEB_TOKEN"
AUTH_ENV_VAR = "AL_NER_WEB_AUTH"
TOKEN_PARAM = "token"

# Task text is rendered with textContent; the policy is a second line of defence.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class Access:
    """The credentials a request must show: an access token, basic auth, or either when both."""

    token: str | None = None
    basic: tuple[str, str] | None = None

    @property
    def required(self) -> bool:
        return self.token is not None or self.basic is not None

    @property
    def cookie(self) -> str:
        """The token cookie's name; it differs by token, as cookies are shared across ports."""
        digest = hashlib.sha256((self.token or "").encode("utf-8")).hexdigest()[:12]
        return f"al_ner_token_{digest}"

    def allows(self, conn: HTTPConnection) -> bool:
        if not self.required:
            return True
        return self._token_ok(conn) or self._basic_ok(conn)

    def _token_ok(self, conn: HTTPConnection) -> bool:
        if self.token is None:
            return False
        scheme, _, value = conn.headers.get("authorization", "").partition(" ")
        shown = value if scheme.lower() == "bearer" else conn.cookies.get(self.cookie, "")
        return _same(shown, self.token)

    def _basic_ok(self, conn: HTTPConnection) -> bool:
        if self.basic is None:
            return False
        scheme, _, value = conn.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            shown = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, password = shown.partition(":")
        # `&`, not `and`: compare both, so timing says nothing about which one was wrong
        return _same(user, self.basic[0]) & _same(password, self.basic[1])


def _same(shown: str, secret: str) -> bool:
    return secrets.compare_digest(shown.encode("utf-8"), secret.encode("utf-8"))


def access_from(token: str | None, auth: str | None) -> Access:
    """Credentials from a token and a ``user:pass`` string (either may be None or empty)."""
    basic = None
    if auth:
        user, sep, password = auth.partition(":")
        if not (sep and user and password):
            missing = "a password" if sep and user else "a user name and a colon"
            raise ConfigError(f"{AUTH_ENV_VAR} must look like 'user:password', "
                              f"got one without {missing}")
        basic = (user, password)
    return Access(token=token or None, basic=basic)


class Guard:
    """ASGI middleware: refuse unknown Host headers and missing credentials; add safe headers.

    A browser that opens ``/?token=...`` gets the token as an HttpOnly cookie and is sent on
    to the same page without it, so the token doesn't stay in the address bar or history.
    """

    def __init__(self, app: ASGIApp, *, access: Access,
                 allowed_hosts: Collection[str] | None = None) -> None:
        self.app = app
        self.access = access
        self.allowed_hosts = {h.lower() for h in allowed_hosts} if allowed_hosts else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        refusal = self._refusal(conn)
        if refusal is not None:
            await _with_headers(refusal)(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, conn: HTTPConnection) -> Response | None:
        if self.allowed_hosts is not None and host_name(conn) not in self.allowed_hosts:
            return PlainTextResponse("unexpected Host header; open the URL al-ner printed", 400)
        shown = conn.query_params.get(TOKEN_PARAM)
        if self.access.token is not None and shown is not None and conn.scope["method"] == "GET":
            return self._token_login(conn, shown)
        if self.access.allows(conn):
            return None
        return _unauthorized(self.access)

    def _token_login(self, conn: HTTPConnection, shown: str) -> Response:
        if not _same(shown, self.access.token or ""):
            return _unauthorized(self.access)
        query = urlencode([(k, v) for k, v in conn.query_params.multi_items() if k != TOKEN_PARAM])
        response = RedirectResponse(conn.url.path + (f"?{query}" if query else ""), 303)
        response.set_cookie(self.access.cookie, shown, httponly=True, samesite="strict")
        return response


def _unauthorized(access: Access) -> Response:
    if access.basic is not None:
        return PlainTextResponse("log in with the user name and password set in "
                                 f"{AUTH_ENV_VAR}", 401,
                                 headers={"WWW-Authenticate": 'Basic realm="al-ner"'})
    return PlainTextResponse("missing or wrong access token: open the URL al-ner printed "
                             f"(it ends in ?{TOKEN_PARAM}=...)", 401)


def _with_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def host_name(conn: HTTPConnection) -> str:
    """The Host header without its port ('[::1]:8080' -> '::1')."""
    host = conn.headers.get("host", "").lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host
