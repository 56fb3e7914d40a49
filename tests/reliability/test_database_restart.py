"""PostgreSQL restarts under load: requests fail cleanly and the app recovers by itself.

A gunicorn subprocess serves API reads while the database cluster is restarted. Requests made
during the outage answer an error quickly (no hang); once the database is back, the same web
process and the same worker serve again (``CONN_HEALTH_CHECKS`` drops the dead connections).
Runs only on PostgreSQL on this machine: the test restarts the cluster with ``pg_ctlcluster``.
"""

import shutil
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.authtoken.models import Token

from accounts.tasks import worker_ping
from tests.conftest import wait_for
from tests.reliability.processes import WebProcess, free_port, on_postgres

pytestmark = pytest.mark.worker

RESTART_AT = 1.5
# Load goes on this long after the database is back, to show recovery.
AFTER_RESTART = 3.0
REQUEST_TIMEOUT = 15.0
# An answer during the outage must come quickly, not after a long hang.
FAILED_ANSWER_BOUND = 5.0


def _cannot_restart() -> str:
    if not on_postgres():
        return "needs DATABASE_URL=postgres://… (the test restarts the PostgreSQL server)"
    host = settings.DATABASES["default"].get("HOST") or "localhost"
    if host not in {"127.0.0.1", "localhost", "::1", ""}:
        return f"the database at {host} is not on this machine; it cannot be restarted"
    if shutil.which("pg_ctlcluster") is None or not Path("/etc/postgresql").is_dir():
        return "pg_ctlcluster is not available to restart PostgreSQL"
    return ""


def restart_command() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]


@pytest.mark.skipif(bool(_cannot_restart()), reason=_cannot_restart() or "-")
@pytest.mark.django_db(transaction=True)
def test_requests_fail_cleanly_and_recover_across_database_restart(
    agent, scenario_zh, celery_worker_process, tmp_path
):
    command = restart_command()
    token = Token.objects.create(user=agent).key
    web = WebProcess(log_dir=tmp_path, workers=2, threads=4).wait_ready()
    results: list[tuple[float, str, int, float, str]] = []
    lock = threading.Lock()
    stop = threading.Event()
    started = time.monotonic()

    def load():
        client = httpx.Client(
            base_url=web.url, headers={"Authorization": f"Token {token}"}, timeout=REQUEST_TIMEOUT
        )
        while not stop.is_set():
            for path in ("/api/v1/scenarios/", "/healthz"):
                sent = time.monotonic()
                try:
                    response = client.get(path)
                    outcome = (response.status_code, response.headers.get("content-type", ""))
                except httpx.HTTPError as exc:
                    outcome = (0, type(exc).__name__)
                with lock:
                    results.append(
                        (sent - started, path, outcome[0], time.monotonic() - sent, outcome[1])
                    )
            time.sleep(0.02)

    threads = [threading.Thread(target=load) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(RESTART_AT)
        restart = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert restart.returncode == 0, restart.stderr
        restarted_at = time.monotonic() - started
        time.sleep(AFTER_RESTART)
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in threads), "a request hung"
    finally:
        stop.set()
        web_log = web.log()
        web.stop()
        # this process's own connection did not survive the restart either
        connection.close()

    statuses = {status for _, _, status, _, _ in results}
    failures = [r for r in results if r[2] != 200]
    summary = (
        f"{len(results)} requests, {len(failures)} failed, statuses {sorted(statuses)}, "
        f"restart took {restarted_at - RESTART_AT:.1f} s"
    )
    print(summary)
    assert results and len(failures) < len(results), summary
    # every answer is an HTTP answer: no dropped connection, no timeout
    assert 0 not in statuses, summary + "\n" + web_log[-3000:]
    assert statuses <= {200, 500, 503}, summary
    assert all(seconds < FAILED_ANSWER_BOUND for _, _, _, seconds, _ in failures), summary
    # the health check names the database while it is down
    assert any(r[1] == "/healthz" and r[2] == 503 for r in failures) or not failures
    # recovery without restarting anything: the last second of load all succeeded
    tail = [r for r in results if r[0] > restarted_at + AFTER_RESTART - 1.0]
    assert tail and all(r[2] == 200 for r in tail), summary

    # the worker started before the restart still takes work and reaches the database
    nonce = uuid.uuid4().hex
    worker_ping.delay(nonce)
    assert wait_for(lambda: cache.get(f"worker-ping:{nonce}"), timeout=30)


def database_down_web(tmp_path) -> WebProcess:
    """A production-mode web process whose database does not answer (any database engine)."""
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/peilian",
        "DATABASE_NAME": "",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECRET_KEY": "reliability-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    return WebProcess(log_dir=tmp_path, env=env, workers=1, threads=2).wait_ready()


def test_database_down_answers_fast_errors_without_details(tmp_path):
    web = database_down_web(tmp_path)
    try:
        started = time.monotonic()
        health = httpx.get(f"{web.url}/healthz", timeout=REQUEST_TIMEOUT)
        assert health.status_code == 503
        assert health.json()["database"].startswith("error")
        page = httpx.get(
            f"{web.url}/practice/sessions/", cookies={"sessionid": "x" * 32}, timeout=15
        )
        assert page.status_code == 500
        assert "Traceback" not in page.text and "OperationalError" not in page.text
        assert time.monotonic() - started < FAILED_ANSWER_BOUND * 2
    finally:
        web.stop()


def test_api_error_while_database_down_is_json_503(tmp_path):
    """The API contract: errors are JSON with a ``detail``, even when the database is down."""
    web = database_down_web(tmp_path)
    try:
        response = httpx.get(
            f"{web.url}/api/v1/scenarios/",
            headers={"Authorization": "Token " + "0" * 40},
            timeout=REQUEST_TIMEOUT,
        )
    finally:
        web.stop()
    assert response.status_code == 503, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]
