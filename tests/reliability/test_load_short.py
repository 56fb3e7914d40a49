"""The load test in its short CI form: 20 agents practising for 30 s against gunicorn,
PostgreSQL, Redis and two Celery workers — no errors, turn p95 within 150 ms, every finished
session scored. The full run (100 agents, 5 minutes) and its figures: bench/load/README.md."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import ROOT
from tests.reliability.processes import on_postgres, on_redis

pytestmark = pytest.mark.worker


def _servers() -> tuple[str, str] | None:
    if not (on_postgres() and on_redis()):
        return None
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    pg = f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    # a Redis database of its own next to the suite's broker (the run flushes it)
    broker, _, number = settings.CELERY_BROKER_URL.rpartition("/")
    redis = f"{broker}/{(int(number or 0) + 1) % 16}"
    return pg, redis


@pytest.mark.skipif(
    _servers() is None,
    reason="needs DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (as in CI): the load "
    "test runs gunicorn, two Celery workers, PostgreSQL and Redis",
)
def test_short_load_run_meets_targets(tmp_path):
    pg, redis = _servers()
    out = tmp_path / "load.json"
    result = subprocess.run(
        [
            sys.executable,
            "bench/load/run.py",
            "--agents",
            "20",
            "--duration",
            "30",
            "--baseline-requests",
            "0",
            "--score-wait",
            "30",
            "--pg",
            pg,
            "--redis",
            redis,
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text())
    turns = report["turns"]
    print(
        f"turns {turns['requests']}, p50 {turns['p50_ms']} ms, p95 {turns['p95_ms']} ms, "
        f"sessions finished {report['sessions_finished']}, scoring {report['scoring']}"
    )
    assert turns["requests"] > 100
    assert not report["errors"], report["errors"]
    assert set(turns["statuses"]) == {"201"}, turns["statuses"]
    assert report["sessions_finished"] > 0
    assert report["scoring"]["pending"] == 0 and report["scoring"]["failed"] == 0
    assert (
        report["scoring"]["scored"] + report["scoring"]["needs_review"]
        == report["sessions_finished"]
    )
    assert turns["p95_ms"] <= 150.0, f"turn p95 {turns['p95_ms']} ms"
