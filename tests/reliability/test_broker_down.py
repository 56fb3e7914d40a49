"""The broker is down: the web app keeps working, nothing is lost, and publishing fails fast.

The web part runs in a gunicorn subprocess whose ``CELERY_BROKER_URL`` points at a dead port.
Pages and practice turns are served, finishing a session answers 202 and leaves the scoring
message in the outbox, ``/healthz`` answers 503 naming the broker. With the broker back, the
outbox drain sends the message and a real worker scores the session.
"""

import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from practice.models import OutboxMessage, Scorecard, ScorecardStatus
from practice.scoring.pipeline import outbox_drain
from tests.conftest import ROOT, _worker_env, wait_for
from tests.reliability.processes import WebProcess, free_port

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Finishing a session with the broker unreachable must not keep the agent waiting.
FINISH_BOUND_SECONDS = 3.0
# A broker that accepts connections but never answers (hung, overloaded) must not block either.
HUNG_BROKER_BOUND_SECONDS = 8.0


def test_broker_down_web_keeps_serving_and_outbox_delivers_later(
    agent, scenario_zh, celery_worker_process, tmp_path
):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    web = WebProcess(log_dir=tmp_path, env={"CELERY_BROKER_URL": dead}).wait_ready()
    try:
        browser = Client()
        browser.force_login(agent)
        cookies = {"sessionid": browser.cookies["sessionid"].value}
        token = Token.objects.create(user=agent).key
        api = httpx.Client(
            base_url=web.url, headers={"Authorization": f"Token {token}"}, timeout=30
        )

        health = httpx.get(f"{web.url}/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json()["database"] == "ok"
        assert health.json()["broker"].startswith("error")

        for path in ("/", "/practice/sessions/"):
            page = httpx.get(f"{web.url}{path}", cookies=cookies, timeout=10)
            assert page.status_code == 200, (path, page.status_code)

        session = api.post("/api/v1/sessions/", json={"scenario": scenario_zh.pk})
        assert session.status_code == 201, session.text
        session_id = session.json()["id"]
        turn = api.post(
            f"/api/v1/sessions/{session_id}/turns/",
            json={"text": "您好，我是安澜人寿的顾问李明，想了解一下您家里的情况。"},
        )
        assert turn.status_code == 201, turn.text
        assert turn.json()["customer_turn"]["text"]

        started = time.monotonic()
        finish = api.post(f"/api/v1/sessions/{session_id}/finish/")
        finish_seconds = time.monotonic() - started
        assert finish.status_code == 202, finish.text
        assert finish.json()["status"] == "pending"
        assert finish_seconds < FINISH_BOUND_SECONDS, f"finish took {finish_seconds:.2f} s"
        print(f"finish with the broker down: {finish_seconds:.2f} s")

        scorecard = Scorecard.objects.get(conversation_id=session_id)
        message = OutboxMessage.objects.get(kwargs={"scorecard_id": scorecard.pk})
        assert message.sent_at is None
        assert message.attempts >= 1 and message.last_error
    finally:
        web.stop()

    # The broker is back (this process and the worker use the real one).
    assert outbox_drain(older_than_seconds=0) >= 1
    message.refresh_from_db()
    assert message.sent_at is not None
    wait_for(
        lambda: (
            Scorecard.objects.get(pk=scorecard.pk).status
            in {ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW}
        ),
        timeout=60,
    )


PUBLISH_PROBE = """
import sys, time, django
django.setup()
from config.celery import app
started = time.monotonic()
try:
    app.send_task("practice.tasks.outbox_drain", queue="bulk")
    outcome = "sent"
except Exception as exc:
    outcome = type(exc).__name__
print(outcome, round(time.monotonic() - started, 2))
"""


class SilentBroker:
    """A TCP server that accepts connections and never says a word (a hung broker)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.connections.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for conn in self.connections:
            conn.close()


def publish_seconds(broker_url: str, timeout: float) -> tuple[str, float]:
    env = _worker_env()
    env["CELERY_BROKER_URL"] = broker_url
    started = time.monotonic()
    try:
        out = subprocess.run(
            [sys.executable, "-c", PUBLISH_PROBE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return "hung", time.monotonic() - started
    outcome, seconds = out.stdout.strip().splitlines()[-1].split()
    return outcome, float(seconds)


def test_publish_to_refusing_broker_fails_fast():
    outcome, seconds = publish_seconds(f"redis://127.0.0.1:{free_port()}/0", timeout=30)
    assert outcome == "OperationalError"
    assert seconds < FINISH_BOUND_SECONDS


def test_publish_to_hung_broker_fails_within_bound():
    broker = SilentBroker()
    try:
        outcome, seconds = publish_seconds(
            f"redis://127.0.0.1:{broker.port}/0", timeout=HUNG_BROKER_BOUND_SECONDS + 2
        )
    finally:
        broker.close()
    assert outcome != "hung" and seconds < HUNG_BROKER_BOUND_SECONDS, (outcome, seconds)
