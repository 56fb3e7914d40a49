"""Where the time of one practice turn goes: ``practice.services.turn_take`` under cProfile,
in-process, on the same PostgreSQL + Redis set-up as the load benchmark.

    .venv/bin/python bench/practice_load/profile_turn.py --turns 200

Prints the wall time per turn (after a warm-up) and the functions with the most cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()
    args.agents = 1
    bench.admin_sql(args, f'DROP DATABASE IF EXISTS "{bench.DB_NAME}" WITH (FORCE)')
    bench.admin_sql(args, f'CREATE DATABASE "{bench.DB_NAME}"')
    bench.redis_flush(args)
    try:
        scenarios = bench.prepare(args)
        from accounts.models import User
        from cases.models import Scenario
        from config.errors import Conflict
        from practice.services import session_finish, session_start, turn_take

        user = User.objects.get(username="loadagent01")
        lines = bench.agent_lines()
        profiler = cProfile.Profile()
        timings: list[float] = []
        warm = 10
        conversation = None
        line = 0
        for n in range(args.turns + warm):
            if conversation is None:
                scenario = Scenario.objects.select_related("product", "rubric").get(
                    pk=scenarios[n % len(scenarios)]
                )
                conversation = session_start(user=user, scenario=scenario)
                line = 0
            started = time.perf_counter()
            if n >= warm:
                profiler.enable()
            try:
                turn_take(conversation=conversation, user=user, text=lines[line % len(lines)])
            except Conflict:  # the customer ended the call: start the next session
                session_finish(conversation=conversation, user=user)
                conversation = None
                continue
            finally:
                if n >= warm:
                    profiler.disable()
            if n >= warm:
                timings.append(time.perf_counter() - started)
            line += 1
        timings.sort()
        print(
            f"{len(timings)} turns in-process (profiler on): median "
            f"{1000 * timings[len(timings) // 2]:.1f} ms, p95 "
            f"{1000 * timings[int(0.95 * len(timings))]:.1f} ms"
        )
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
        from django.db import connections

        connections.close_all()
    finally:
        bench.admin_sql(args, f'DROP DATABASE IF EXISTS "{bench.DB_NAME}" WITH (FORCE)')
        bench.redis_flush(args)


if __name__ == "__main__":
    main()
