"""prodigy.json (home and working directory) and the PRODIGY_* variables, beside al-ner's own
names and flags: which wins, and what a bad file says."""

from __future__ import annotations

import json
import socket

import pytest

from al_ner.cli import main
from al_ner.errors import ConfigError
from al_ner.settings import effective_config, log_level, web_auth


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A PRODIGY_HOME and a working directory of the test's own (no prodigy.json of the machine)."""
    for var in ("PRODIGY_CONFIG", "PRODIGY_CONFIG_OVERRIDES", "PRODIGY_PORT", "PRODIGY_HOST",
                "PRODIGY_ALLOWED_SESSIONS", "PRODIGY_LOGGING", "AL_NER_WEB_AUTH",
                "PRODIGY_BASIC_AUTH_USER", "PRODIGY_BASIC_AUTH_PASS"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "home").mkdir()
    (tmp_path / "project").mkdir()
    monkeypatch.setenv("PRODIGY_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path / "project")
    return tmp_path


def write(path, value):
    path.write_text(json.dumps(value))


def test_layers_from_recipe_to_variables(home, monkeypatch):
    recipe = {"port": 1, "batch_size": 5, "labels": ["ORG"]}
    assert effective_config(recipe) == recipe
    write(home / "home" / "prodigy.json", {"port": 8706, "host": "0.0.0.0", "feed_overlap": True})
    assert effective_config(recipe)["port"] == 8706
    write(home / "project" / "prodigy.json", {"port": 8710, "batch_size": 2})
    config = effective_config(recipe)
    assert (config["port"], config["host"], config["batch_size"], config["labels"]) == (8710, "0.0.0.0", 2, ["ORG"])
    monkeypatch.setenv("PRODIGY_CONFIG_OVERRIDES", '{"batch_size": 3}')
    monkeypatch.setenv("PRODIGY_PORT", "8707")
    monkeypatch.setenv("PRODIGY_ALLOWED_SESSIONS", "alice, bob")
    config = effective_config(recipe)
    assert (config["port"], config["batch_size"], config["allowed_sessions"]) == (8707, 3, ["alice", "bob"])


def test_prodigy_config_names_the_global_file(home, monkeypatch):
    other = home / "other.json"
    write(other, {"port": 9001})
    write(home / "home" / "prodigy.json", {"port": 9000})
    monkeypatch.setenv("PRODIGY_CONFIG", str(other))
    assert effective_config({})["port"] == 9001


def test_a_broken_prodigy_json_is_one_line(home):
    (home / "project" / "prodigy.json").write_text('{"port": 8080,\n "host": }\n')
    with pytest.raises(ConfigError, match=r"prodigy.json:2: invalid JSON"):
        effective_config({})


def test_auth_and_logging_variables(monkeypatch):
    monkeypatch.delenv("AL_NER_WEB_AUTH", raising=False)
    assert web_auth({"PRODIGY_BASIC_AUTH_USER": "ann", "PRODIGY_BASIC_AUTH_PASS": "pw"}) == "ann:pw"
    assert web_auth({"AL_NER_WEB_AUTH": "a:b", "PRODIGY_BASIC_AUTH_USER": "x", "PRODIGY_BASIC_AUTH_PASS": "y"}) == "a:b"
    with pytest.raises(ConfigError, match="both"):
        web_auth({"PRODIGY_BASIC_AUTH_USER": "ann"})
    assert log_level({"PRODIGY_LOGGING": "verbose"}) == 10 and log_level({}) is None


def taken_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def serve(home, *extra):
    source = home / "src.jsonl"
    source.write_text('{"text": "Acme rose ."}\n')
    return main(["ner.manual", "d", "blank:en", str(source), "--label", "ORG", "-U",
                 "--db", str(home / "db"), *extra])


@pytest.mark.parametrize("where", ["home", "project", "variable", "flag"])
def test_the_web_annotator_listens_where_the_settings_say(home, monkeypatch, capsys, where):
    # a port already taken makes the server say which port it tried, without serving
    with taken_port() as sock:
        port = sock.getsockname()[1]
        write(home / "home" / "prodigy.json", {"port": port if where == "home" else 1})
        if where != "home":
            write(home / "project" / "prodigy.json", {"port": port if where == "project" else 1})
        if where in ("variable", "flag"):
            monkeypatch.setenv("PRODIGY_PORT", str(port if where == "variable" else 1))
        code = serve(home, *(["--port", str(port)] if where == "flag" else []))
    err = capsys.readouterr().err
    assert code == 1 and f"can't listen on 127.0.0.1:{port}" in err


def test_settings_without_effect_are_said_at_start(home, capsys):
    write(home / "project" / "prodigy.json", {"db": "postgresql", "theme": "dark"})
    assert serve(home, "--annotator", "gold", "--gold", str(home / "src.jsonl")) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["ℹ config setting 'db' has no effect in al-ner (al-ner saves to its JSONL store: "
                   "--db DIR or AL_NER_DB)",
                   "ℹ config setting 'theme' has no effect in al-ner (it only changes Prodigy's own app)"]
