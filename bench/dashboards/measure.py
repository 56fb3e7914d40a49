"""Measure the dashboards on the benchmark organisation (see generate.py): p50/p95 latency of
the team dashboard for a manager of all 20 teams, and of agents' home pages, through Django's
test client in-process (full middleware, templates and database; no network).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peilian_bench_dash \
        .venv/bin/python bench/dashboards/measure.py [--requests 40]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from coaching.models import SkillProfile, Weakness  # noqa: E402
from practice.models import Scorecard  # noqa: E402

SLUG = "bench-dash"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def run(label: str, requests: list[tuple[Client, str]], warmup: int = 3) -> dict:
    for client, url in requests[:warmup]:
        client.get(url)
    timings, queries = [], []
    for client, url in requests:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.append(elapsed)
        queries.append(len(captured))
        reset_queries()
    result = {
        "label": label,
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "queries": sorted(set(queries)),
    }
    print(
        f"{label:<28} n={result['n']:<3} p50={result['p50_ms']:>7.1f} ms  "
        f"p95={result['p95_ms']:>7.1f} ms  max={result['max_ms']:>7.1f} ms  "
        f"queries={result['queries']}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    manager = User.objects.get(username="bench-manager")
    agents = list(User.objects.filter(organisation__slug=SLUG, role="agent").order_by("pk"))
    print(
        f"organisation {SLUG}: {len(agents)} agents, {manager.managed_teams.count()} teams managed, "
        f"{Scorecard.objects.filter(organisation__slug=SLUG).count()} scorecards, "
        f"{SkillProfile.objects.filter(organisation__slug=SLUG).count()} profile rows, "
        f"{Weakness.objects.filter(organisation__slug=SLUG, status='open').count()} open weaknesses"
    )
    manager_client = Client()
    manager_client.force_login(manager)
    run("manager dashboard (20 teams)", [(manager_client, "/dashboard/team/")] * args.requests)
    run("manager home", [(manager_client, "/")] * args.requests)
    clients = []
    for agent in rng.sample(agents, min(args.requests, len(agents))):
        client = Client()
        client.force_login(agent)
        clients.append((client, "/"))
    while len(clients) < args.requests:
        clients.append(rng.choice(clients))
    run("agent home (random agents)", clients)
    detail = [(manager_client, f"/dashboard/team/agents/{rng.choice(agents).pk}/")] * args.requests
    run("agent page for the manager", detail)


if __name__ == "__main__":
    main()
