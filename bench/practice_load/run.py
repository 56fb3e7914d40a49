"""Practice load benchmark: many agents practising at once through the HTTP API.

Creates a dedicated PostgreSQL database, seeds the demo organisation (users and content, no
history) and N load agents, starts gunicorn and a Celery worker on Redis, then drives the API
with an asyncio client: every agent logs in, starts a session, sends its turns one after the
other (a new session when the customer ends one) and finishes. It measures the client-observed
time of each turn on loopback (p50/p95/p99), throughput and errors, and the same figures for
``GET /healthz`` (a small JSON view that touches the database and the broker) driven the same
way as the baseline. Afterwards it waits for the worker to score the finished sessions, stops
the servers and drops the database.

    .venv/bin/python bench/practice_load/run.py                    # 50 agents x 20 turns
    .venv/bin/python bench/practice_load/run.py --agents 20 --turns 5 --think 0   # CI form

Per-user throttles are lifted for the run (TURN_THROTTLE and LOGIN_THROTTLE = 100000/min), as
a benchmark measures the server, not the limits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
DB_NAME = "peilian_bench_load"
PASSWORD = "bench-load-password-1"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=50, help="concurrent agents (50)")
    parser.add_argument("--turns", type=int, default=20, help="turns per agent (20)")
    parser.add_argument(
        "--duration", type=float, default=600.0, help="stop sending after this many seconds"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean pause in seconds between an agent's turns (0 = back to back)",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/14", help="broker and cache (flushed)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker")
    parser.add_argument(
        "--score-wait", type=float, default=180.0, help="seconds to wait for scoring"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- environment and servers --------------------------------------------------------------
def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"{args.pg}/{DB_NAME}",
            "CELERY_BROKER_URL": args.redis,
            "CACHE_URL": args.redis,
            "DEBUG": "false",
            "SECRET_KEY": "bench-practice-load-not-secret-" + "x" * 32,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "TURN_THROTTLE": "100000/min",
            "LOGIN_THROTTLE": "100000/min",
            "LLM_PROVIDER": "offline",
            "LLM_BASE_URL": "",
            "OPENAI_BASE_URL": "",
            "PEILIAN_VAR_DIR": str(ROOT / "var" / "bench-load"),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    return env


def admin_sql(args: argparse.Namespace, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{args.pg}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def redis_flush(args: argparse.Namespace) -> None:
    import redis

    redis.Redis.from_url(args.redis).flushdb()


def prepare(args: argparse.Namespace) -> list[int]:
    """Migrate, seed the demo organisation and the load agents; returns zh scenario ids."""
    os.environ.update(server_env(args))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from accounts.demo import seed_demo_users
    from accounts.models import Role, Team
    from accounts.services import user_upsert
    from cases.models import Scenario
    from knowledge.seed import seed_content

    organisation = seed_demo_users(password=PASSWORD)
    seed_content(organisation=organisation)
    team = Team.objects.filter(organisation=organisation).order_by("pk").first()
    for n in range(1, args.agents + 1):
        user_upsert(
            organisation=organisation,
            username=f"loadagent{n:02d}",
            password=PASSWORD,
            role=Role.AGENT,
            display_name=f"压测坐席 {n:02d}",
            team=team,
        )
    ids = list(
        Scenario.objects.filter(organisation=organisation, language="zh", is_active=True)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    from django.db import connections

    connections.close_all()
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_servers(args: argparse.Namespace, port: int) -> list[subprocess.Popen]:
    env = server_env(args)
    log_dir = ROOT / "var" / "bench-load"
    log_dir.mkdir(parents=True, exist_ok=True)
    web = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "120",
            # Longer than the default 2 s, as behind a load balancer: a client that reuses a
            # connection the server has just closed gets a read error instead of an answer.
            "--keep-alive",
            "75",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log_dir / "gunicorn.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "-Q",
            "realtime,scoring,bulk",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log_dir / "worker.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    return [web, worker]


def stop_servers(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the load -----------------------------------------------------------------------------
def agent_lines() -> list[str]:
    """What a demo agent says in a Chinese practice session, in the order of the SOP."""
    from coaching import demo_agents as d

    lines = [d.GREETINGS["zh"].format(name="您", agent="陈丽", number="A1024")]
    lines += [d.TOPIC_QUESTIONS[t]["zh"] for t in ("family", "goals", "existing_cover", "budget")]
    lines += [d.MOVE_ANSWERS[m]["zh"] for m in ("cost_breakdown", "coverage_gap", "value_vs_risk")]
    lines += [d.TOPIC_QUESTIONS[t]["zh"] for t in ("income", "health", "occupation", "debts")]
    lines += [d.PITCHES["critical_illness"]["zh"], d.PRODUCT_ANSWERS["claims"]["_"]["zh"]]
    lines += [d.DUTY_REMINDER["zh"] + d.COOLING_OFF_LONG["zh"], d.MOVE_ANSWERS["no_pressure"]["zh"]]
    lines += [d.TOPIC_QUESTIONS[t]["zh"] for t in ("retirement", "education", "assets")]
    lines += [d.CLOSES["zh"]]
    return lines


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    customer_ended: int = 0
    sessions: list[int] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0

    def record(self, seconds: float, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(seconds)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def summary(stats: Stats) -> dict:
    elapsed = max(1e-9, stats.ended - stats.started)
    ok = list(stats.latencies)
    return {
        "requests": len(stats.latencies),
        "errors": len(stats.errors),
        "p50_ms": round(1000 * percentile(ok, 50), 1),
        "p95_ms": round(1000 * percentile(ok, 95), 1),
        "p99_ms": round(1000 * percentile(ok, 99), 1),
        "mean_ms": round(1000 * statistics.fmean(ok), 1) if ok else None,
        "max_ms": round(1000 * max(ok), 1) if ok else None,
        "throughput_per_s": round(len(ok) / elapsed, 1),
        "seconds": round(elapsed, 1),
        "statuses": stats.statuses,
    }


async def think(args: argparse.Namespace, rng: random.Random) -> None:
    if args.think > 0:
        await asyncio.sleep(rng.uniform(0.5 * args.think, 1.5 * args.think))


async def login(client, username: str) -> str:
    response = await client.post(
        "/api/v1/auth/token/", json={"username": username, "password": PASSWORD}
    )
    response.raise_for_status()
    return response.json()["token"]


async def run_agent(n, client, args, scenarios, lines, stats: Stats, deadline: float) -> None:
    import httpx

    rng = random.Random(n)
    try:
        token = await login(client, f"loadagent{n:02d}")
    except httpx.HTTPError as exc:
        stats.errors.append(f"login loadagent{n:02d}: {exc!r}")
        return
    headers = {"Authorization": f"Token {token}"}

    async def new_session() -> int | None:
        try:
            response = await client.post(
                "/api/v1/sessions/", json={"scenario": rng.choice(scenarios)}, headers=headers
            )
        except httpx.HTTPError as exc:
            stats.errors.append(f"session start: {exc!r}")
            return None
        if response.status_code != 201:
            stats.errors.append(f"session start {response.status_code}: {response.text[:200]}")
            return None
        stats.sessions.append(response.json()["id"])
        return response.json()["id"]

    async def finish(session_id: int) -> None:
        try:
            response = await client.post(f"/api/v1/sessions/{session_id}/finish/", headers=headers)
        except httpx.HTTPError as exc:
            stats.errors.append(f"finish: {exc!r}")
            return
        if response.status_code != 202:
            stats.errors.append(f"finish {response.status_code}: {response.text[:200]}")

    session_id = await new_session()
    line = 0
    sent = 0
    while session_id is not None and sent < args.turns and time.monotonic() < deadline:
        await think(args, rng)
        text = lines[line % len(lines)]
        started = time.perf_counter()
        try:
            response = await client.post(
                f"/api/v1/sessions/{session_id}/turns/", json={"text": text}, headers=headers
            )
        except httpx.HTTPError as exc:
            stats.errors.append(f"turn: {exc!r}")
            sent += 1
            continue
        seconds = time.perf_counter() - started
        if response.status_code == 409 and "customer_ended" in response.text:
            # The customer hung up: a real agent finishes and starts the next session.
            stats.customer_ended += 1
            await finish(session_id)
            session_id = await new_session()
            line = 0
            continue
        stats.record(seconds, response.status_code)
        if response.status_code != 201:
            stats.errors.append(f"turn {response.status_code}: {response.text[:200]}")
        sent += 1
        line += 1
    if session_id is not None and line > 0:  # a session the agent has spoken in
        await finish(session_id)


async def run_baseline(n, client, args, stats: Stats, deadline: float) -> None:
    import httpx

    rng = random.Random(1000 + n)
    for _ in range(args.turns):
        if time.monotonic() >= deadline:
            return
        await think(args, rng)
        started = time.perf_counter()
        try:
            response = await client.get("/healthz")
        except httpx.HTTPError as exc:
            stats.errors.append(f"healthz: {exc!r}")
            continue
        stats.record(time.perf_counter() - started, response.status_code)
        if response.status_code != 200:
            stats.errors.append(f"healthz {response.status_code}: {response.text[:200]}")


async def drive(args, port: int, scenarios: list[int]) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=args.agents + 10, max_keepalive_connections=args.agents)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=60.0, limits=limits
    ) as client:
        for _ in range(200):  # up to 20 s for gunicorn to answer
            try:
                if (await client.get("/healthz")).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
        lines = agent_lines()
        # Warm-up: the first request of each worker process loads the search index and the
        # Chinese tokenizer; that start-up cost is not part of a turn.
        warm = Stats()
        warm_args = argparse.Namespace(**{**vars(args), "turns": 2, "think": 0.0})
        deadline = time.monotonic() + 120
        await asyncio.gather(
            *(
                run_agent(n, client, warm_args, scenarios, lines, warm, deadline)
                for n in range(1, min(args.agents, 2 * args.workers * 2) + 1)
            )
        )
        baseline = Stats(started=time.monotonic())
        deadline = time.monotonic() + args.duration
        await asyncio.gather(
            *(run_baseline(n, client, args, baseline, deadline) for n in range(args.agents))
        )
        baseline.ended = time.monotonic()
        load = Stats(started=time.monotonic())
        deadline = time.monotonic() + args.duration
        await asyncio.gather(
            *(
                run_agent(n, client, args, scenarios, lines, load, deadline)
                for n in range(1, args.agents + 1)
            )
        )
        load.ended = time.monotonic()
    return {"warmup": warm, "baseline": baseline, "load": load}


def wait_for_scoring(session_ids: list[int], seconds: float) -> dict:
    import django
    from django.db import connections

    django.setup()
    from practice.models import Scorecard

    deadline = time.monotonic() + seconds
    counts = {}
    while True:
        counts = dict.fromkeys(("pending", "scored", "needs_review", "failed"), 0)
        for status in Scorecard.objects.filter(conversation_id__in=session_ids).values_list(
            "status", flat=True
        ):
            counts[status] = counts.get(status, 0) + 1
        if counts["pending"] == 0 or time.monotonic() > deadline:
            break
        time.sleep(1.0)
    connections.close_all()
    return counts


def machine() -> dict:
    cpu = ""
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                cpu = row.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kb = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    admin_sql(args, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(args, f'CREATE DATABASE "{DB_NAME}"')
    redis_flush(args)
    processes: list[subprocess.Popen] = []
    try:
        print(f"preparing {DB_NAME}: migrate, demo organisation, {args.agents} load agents …")
        scenarios = prepare(args)
        port = free_port()
        processes = start_servers(args, port)
        print(
            f"gunicorn on 127.0.0.1:{port} ({args.workers} workers x {args.threads} threads), "
            f"celery worker; {args.agents} agents x {args.turns} turns, think {args.think}s"
        )
        results = asyncio.run(drive(args, port, scenarios))
        load, baseline = results["load"], results["baseline"]
        scoring = wait_for_scoring(load.sessions, args.score_wait)
        turn, base = summary(load), summary(baseline)
        report = {
            "machine": machine(),
            "config": {
                "agents": args.agents,
                "turns": args.turns,
                "think_s": args.think,
                "gunicorn": f"gthread {args.workers}x{args.threads}",
                "latency": "client-observed on loopback",
            },
            "turns": turn,
            "healthz": base,
            "ratio_p50": round(turn["p50_ms"] / base["p50_ms"], 1) if base["p50_ms"] else None,
            "ratio_p95": round(turn["p95_ms"] / base["p95_ms"], 1) if base["p95_ms"] else None,
            "sessions": len(load.sessions),
            "customer_ended": load.customer_ended,
            "scoring": scoring,
            "errors": (load.errors + baseline.errors)[:20],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        print(
            f"\nturns: p50 {turn['p50_ms']} ms, p95 {turn['p95_ms']} ms, p99 {turn['p99_ms']} ms, "
            f"{turn['throughput_per_s']} turns/s, {turn['errors']} errors | healthz: p50 "
            f"{base['p50_ms']} ms, p95 {base['p95_ms']} ms, {base['throughput_per_s']} req/s | "
            f"ratio p95 {report['ratio_p95']} | sessions {len(load.sessions)}, scored "
            f"{scoring.get('scored', 0) + scoring.get('needs_review', 0)}, pending "
            f"{scoring.get('pending', 0)}, failed {scoring.get('failed', 0)}"
        )
        if args.json:
            args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        if turn["errors"] or base["errors"]:
            sys.exit(1)
    finally:
        stop_servers(processes)
        if not args.keep:
            admin_sql(args, f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        redis_flush(args)


if __name__ == "__main__":
    main()
