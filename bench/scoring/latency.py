"""Finish-to-scorecard latency through the broker with a real worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peilian_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \
    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/scoring/latency.py [-k 30]

Starts a ``celery worker`` subprocess on the same database and broker, plays K practice sessions
(a scripted agent against the offline persona engine, through the session services), and for each
measures the time from calling ``session_finish`` (the commit publishes the scoring task) until the
scorecard row is no longer pending, polling the database every 5 ms. Prints p50/p95/max, and the
worker's own scoring time (``Scorecard.latency_ms``) for comparison. Target: p50 <= 1 s.
Uses a throw-away organisation that it deletes at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, make_organisation, remove_organisation, setup_django


def start_worker(concurrency: int, log_path: Path, log) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "realtime,scoring,bulk",
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process


def wait_ready(app, process, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("worker exited:\n" + log_path.read_text())
        try:
            if app.control.ping(timeout=0.5):
                return
        except Exception:
            pass
        time.sleep(0.2)
    raise RuntimeError("worker not ready:\n" + log_path.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", type=int, default=30, help="sessions to finish (default 30)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between finishes")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("set DATABASE_URL and CELERY_BROKER_URL (PostgreSQL and Redis) for this benchmark")
    setup_django()

    from django.conf import settings
    from django.db import connection

    from cases.models import Scenario
    from config.celery import app
    from practice import services
    from practice.models import Scorecard, ScorecardStatus
    from tests.practice.scripted_agents import good_agent_messages, play

    organisation, _trainer, agent = make_organisation()
    log_path = Path(tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1])
    log = log_path.open("w")
    process = start_worker(args.concurrency, log_path, log)
    try:
        wait_ready(app, process, log_path)
        scenarios = list(Scenario.objects.filter(organisation=organisation))
        latencies, worker_ms = [], []
        for i in range(args.k):
            scenario = scenarios[i % len(scenarios)]
            conversation = services.session_start(user=agent, scenario=scenario, seed=i)
            record = scenario.as_record()
            # the scripted agent's words, replayed through the session services
            played = play(record, good_agent_messages(record), seed=i, max_turns=6)
            for speaker, text in played.turns:
                if speaker == "agent":
                    services.turn_take(conversation=conversation, user=agent, text=text)
            started = time.perf_counter()
            scorecard = services.session_finish(conversation=conversation, user=agent)
            while True:
                status, latency = Scorecard.objects.values_list("status", "latency_ms").get(
                    pk=scorecard.pk
                )
                if status != ScorecardStatus.PENDING:
                    break
                if time.perf_counter() - started > 30:
                    raise RuntimeError(
                        "scorecard still pending after 30 s:\n" + log_path.read_text()
                    )
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
            worker_ms.append(latency or 0)
            time.sleep(args.gap)

        ms = sorted(1000 * s for s in latencies)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        print(
            f"database: {connection.vendor}   broker: {settings.CELERY_BROKER_URL.split('://')[0]}"
            f"   worker concurrency: {args.concurrency}   sessions: {len(ms)}"
        )
        print(
            f"finish -> scorecard   p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms"
            f"   max {ms[-1]:7.1f} ms"
        )
        print(
            f"scoring in the worker (Scorecard.latency_ms)   p50 {statistics.median(worker_ms):.0f} ms"
            f"   max {max(worker_ms)} ms"
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        log_path.unlink(missing_ok=True)
        remove_organisation(organisation)


if __name__ == "__main__":
    main()
