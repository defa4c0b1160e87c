"""The web annotator as the CLI runs it: registry, binding rules, serving in a thread, stopping."""

from __future__ import annotations

import socket

import httpx
import pytest

from al_ner.annotators.web import make_web_annotator
from al_ner.errors import ConfigError
from al_ner.registry import annotators, get


def test_registered_under_a_versioned_name(no_web_env):
    factory = get(annotators, "al_ner.web.v1")
    assert factory is make_web_annotator
    assert factory().url(8080) == "http://127.0.0.1:8080/"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_binding_beyond_localhost_needs_credentials(no_web_env, host):
    with pytest.raises(ConfigError, match="AL_NER_WEB_TOKEN=<secret> or AL_NER_WEB_AUTH"):
        make_web_annotator(host=host)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_none(no_web_env, host):
    assert not make_web_annotator(host=host).access.required


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AL_NER_WEB_TOKEN", "tok en")
    monkeypatch.setenv("AL_NER_WEB_AUTH", "ann:pw")
    annotator = make_web_annotator(host="0.0.0.0", port=9000)
    assert annotator.access.token == "tok en" and annotator.access.basic == ("ann", "pw")
    assert annotator.url(9000) == "http://0.0.0.0:9000/?token=tok%20en"


@pytest.mark.parametrize("auth", ["annpw", ":pw", "ann:"])
def test_malformed_basic_auth_setting(no_web_env, auth):
    with pytest.raises(ConfigError, match="user:password"):
        make_web_annotator(auth=auth)


@pytest.mark.parametrize("port", [-1, 65536, "8080"])
def test_port_is_checked(no_web_env, port):
    with pytest.raises(ConfigError, match="port must be"):
        make_web_annotator(port=port)


def test_port_in_use_is_a_config_error(no_web_env, binary_controller):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match=f"can't listen on 127.0.0.1:{port}.*--port"):
            make_web_annotator(port=port)(binary_controller)


def test_serves_in_a_thread_until_stopped(serve, binary_controller, web):
    served = serve(binary_controller)
    assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/")
    page = httpx.get(served.url)
    assert page.status_code == 200 and "al-ner" in page.text
    assert httpx.get(served.url + "api/session").json()["dataset"] == web.DATASET
    served.stop()
    assert not served.thread.is_alive()


def test_exit_when_done_returns_after_the_last_answer(serve, binary_controller, web):
    served = serve(binary_controller, exit_when_done=True, batch_size=4)
    tasks = httpx.post(served.url + "api/questions", json={}).json()["tasks"]
    assert len(tasks) == 4
    answers = [{"_task_hash": t["_task_hash"], "answer": "ignore"} for t in tasks]
    response = httpx.post(served.url + "api/answers", json={"answers": answers})
    assert response.json()["progress"]["done"] is False  # the source may have more
    assert httpx.post(served.url + "api/questions", json={}).json()["tasks"] == []
    served.thread.join(timeout=10)
    assert not served.thread.is_alive()
    assert [t["answer"] for t in web.stored(binary_controller)] == ["ignore"] * 4


def test_token_url_logs_in(monkeypatch, serve, binary_controller):
    served = serve(binary_controller, token="s3cret")
    assert served.url.endswith("/?token=s3cret")
    with httpx.Client() as c:
        assert c.get(served.url.split("?")[0]).status_code == 401
        assert c.get(served.url, follow_redirects=True).status_code == 200
        assert c.get(served.url.split("?")[0] + "api/session").status_code == 200


def test_a_source_broken_from_the_start_fails_before_serving(no_web_env, make_controller):
    from al_ner.errors import InputError

    def broken():
        raise InputError("no 'text' column in the CSV header", path="news.csv", line=1)
        yield  # pragma: no cover

    ready = []
    with pytest.raises(InputError, match="news.csv:1: no 'text' column"):
        make_web_annotator(port=0, on_ready=ready.append)(make_controller(broken(), total=0))
    assert ready == []  # no address printed, nobody told "no more questions"


def test_a_source_that_breaks_mid_session_stops_the_server_with_its_error(
        no_web_env, make_controller, web):
    import queue
    import threading

    from al_ner.errors import InputError

    def stream():
        yield from web.binary_tasks()[:2]
        raise InputError("invalid JSON (Expecting value at column 10)", path="news.jsonl", line=3)

    controller = make_controller(stream(), total=0)
    urls: queue.Queue[str] = queue.Queue()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            make_web_annotator(port=0, on_ready=urls.put, batch_size=2)(controller)
        except BaseException as err:  # noqa: BLE001 - the test looks at it
            errors.append(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    url = urls.get(timeout=10)
    assert len(httpx.post(url + "api/questions", json={}).json()["tasks"]) == 2
    response = httpx.post(url + "api/questions", json={})
    assert response.status_code == 500 and response.json()["fatal"] is True
    assert "news.jsonl:3: invalid JSON" in response.json()["error"]
    thread.join(timeout=10)
    assert not thread.is_alive() and isinstance(errors[0], InputError)
