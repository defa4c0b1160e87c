"""Prodigy's settings for al-ner's recipe commands, beside al-ner's own names.

A session's config is, from weakest to strongest: the recipe's config, the global prodigy.json
($PRODIGY_CONFIG, else $PRODIGY_HOME/prodigy.json, else ~/.prodigy/prodigy.json), the project's
prodigy.json (the working directory), $PRODIGY_CONFIG_OVERRIDES (a JSON object), then
$PRODIGY_PORT / $PRODIGY_HOST / $PRODIGY_ALLOWED_SESSIONS; the command's own flags (--port,
--host, --batch-size, --feed-overlap) win over all of them. recipe_components says which settings
al-ner honours; docs/prodigy.md lists them.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError

CONFIG_FILE = "prodigy.json"
LOG_LEVELS = {"basic": logging.INFO, "verbose": logging.DEBUG}


def effective_config(recipe_config: Mapping[str, Any] | None, *, env: Mapping[str, str] | None = None,
                     cwd: Path | None = None) -> dict[str, Any]:
    """The recipe's config overlaid with prodigy.json files and the PRODIGY_* variables."""
    env = os.environ if env is None else env
    config = dict(recipe_config or {})
    for path in config_files(env, cwd or Path.cwd()):
        config.update(read_config(path))
    overrides = env.get("PRODIGY_CONFIG_OVERRIDES")
    if overrides:
        config.update(_object(overrides, "$PRODIGY_CONFIG_OVERRIDES"))
    config.update(_variables(env))
    return config


def config_files(env: Mapping[str, str], cwd: Path) -> list[Path]:
    """The global and the project prodigy.json that exist (the global one first)."""
    home = Path(env.get("PRODIGY_HOME") or Path.home() / ".prodigy").expanduser()
    found = [Path(env["PRODIGY_CONFIG"]).expanduser() if env.get("PRODIGY_CONFIG") else home / CONFIG_FILE,
             cwd / CONFIG_FILE]
    unique = list(dict.fromkeys(path.resolve() for path in found))
    return [path for path in unique if path.is_file()]


def read_config(path: Path) -> dict[str, Any]:
    """The JSON object in a prodigy.json, or a ConfigError naming the file and the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"can't read {path}: {err.strerror or err}") from err
    return _object(text, str(path))


def _object(text: str, where: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigError(f"{where}:{err.lineno}: invalid JSON ({err.msg} at column {err.colno}); "
                          "fix it or remove it") from None
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a JSON object of settings, got {type(value).__name__}")
    return value


def _variables(env: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if env.get("PRODIGY_PORT"):
        port = env["PRODIGY_PORT"]
        if not port.isdigit():
            raise ConfigError(f"$PRODIGY_PORT is {port!r}, not a port number")
        out["port"] = int(port)
    if env.get("PRODIGY_HOST"):
        out["host"] = env["PRODIGY_HOST"]
    if env.get("PRODIGY_ALLOWED_SESSIONS"):
        out["allowed_sessions"] = [name.strip() for name in env["PRODIGY_ALLOWED_SESSIONS"].split(",")
                                   if name.strip()]
    return out


def web_auth(env: Mapping[str, str] | None = None) -> str | None:
    """'user:password' for the web app: $AL_NER_WEB_AUTH, else Prodigy's
    $PRODIGY_BASIC_AUTH_USER and $PRODIGY_BASIC_AUTH_PASS, else None."""
    env = os.environ if env is None else env
    if env.get("AL_NER_WEB_AUTH"):
        return env["AL_NER_WEB_AUTH"]
    user, password = env.get("PRODIGY_BASIC_AUTH_USER"), env.get("PRODIGY_BASIC_AUTH_PASS")
    if user and password:
        return f"{user}:{password}"
    if user or password:
        raise ConfigError("set both $PRODIGY_BASIC_AUTH_USER and $PRODIGY_BASIC_AUTH_PASS (or "
                          "AL_NER_WEB_AUTH=user:password)")
    return None


def log_level(env: Mapping[str, str] | None = None) -> int | None:
    """The level of al-ner's log lines $PRODIGY_LOGGING asks for (basic, verbose), or None."""
    env = os.environ if env is None else env
    value = env.get("PRODIGY_LOGGING", "").strip().lower()
    if not value:
        return None
    if value not in LOG_LEVELS:
        raise ConfigError(f"$PRODIGY_LOGGING is {value!r}; use one of: {', '.join(LOG_LEVELS)}")
    return LOG_LEVELS[value]
