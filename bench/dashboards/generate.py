"""Generate the dashboard benchmark organisation on PostgreSQL: 1,000 agents in 20 teams with
100 scored conversations each (conversations, scorecards, criteria, findings and checkpoints are
bulk-created directly), then build profiles, weaknesses and roll-ups with the coaching services.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peilian_bench_dash \
        .venv/bin/python bench/dashboards/generate.py [--agents 1000] [--per-agent 100]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organisation, Role, Team, User  # noqa: E402
from cases.models import Scenario  # noqa: E402
from coaching.services import coaching_rebuild  # noqa: E402
from knowledge.seed import seed_content  # noqa: E402
from knowledge.vocabulary import CHECKPOINT_CODES, RULE_SEVERITY, SKILL_CODES  # noqa: E402
from practice.models import (  # noqa: E402
    CheckpointResult,
    Conversation,
    CriterionScore,
    Finding,
    Scorecard,
)

SLUG = "bench-dash"
PASSWORD = "bench-pass-123"
RULES = list(RULE_SEVERITY)


def log(message: str, started: float) -> None:
    print(f"[{time.monotonic() - started:7.1f}s] {message}", flush=True)


def generate(agents_n: int, per_agent: int, teams_n: int, seed: int) -> None:
    started = time.monotonic()
    rng = random.Random(seed)
    if Organisation.objects.filter(slug=SLUG).exists():
        sys.exit(f"organisation {SLUG!r} exists already: drop and recreate the database first")
    organisation = Organisation.objects.create(slug=SLUG, name="Bench Dashboards")
    seed_content(organisation=organisation)
    scenarios = list(Scenario.objects.filter(organisation=organisation).select_related("rubric"))
    log(f"seed content: {len(scenarios)} scenarios", started)

    teams = Team.objects.bulk_create(
        Team(organisation=organisation, name=f"Team {i + 1:02d}") for i in range(teams_n)
    )
    password = make_password(PASSWORD)
    manager = User.objects.create(
        username="bench-manager", organisation=organisation, role=Role.MANAGER, password=password
    )
    manager.managed_teams.set(teams)
    User.objects.create(
        username="bench-admin", organisation=organisation, role=Role.ADMIN, password=password
    )
    agents = User.objects.bulk_create(
        User(
            username=f"bench-agent-{i:04d}",
            organisation=organisation,
            role=Role.AGENT,
            team=teams[i % teams_n],
            display_name=f"Agent {i:04d}",
            password=password,
        )
        for i in range(agents_n)
    )
    log(f"{len(teams)} teams, {len(agents)} agents", started)

    now = timezone.now()
    span_days = 180
    batch_agents = 50
    totals = {"conversations": 0, "criteria": 0, "findings": 0, "checkpoints": 0}
    for start in range(0, len(agents), batch_agents):
        chunk = agents[start : start + batch_agents]
        with transaction.atomic():
            conversations, plans = [], []
            for agent in chunk:
                level = {s: rng.uniform(0.35, 0.9) for s in SKILL_CODES}
                gain = rng.uniform(-0.1, 0.25)
                risk = rng.uniform(0.0, 0.35)
                for i in range(per_agent):
                    age = span_days * (1 - i / per_agent) + rng.uniform(0, 1)
                    at = now - timedelta(days=age)
                    scenario = rng.choice(scenarios)
                    kind = "call" if rng.random() < 0.2 else "practice"
                    progress = i / per_agent
                    conversations.append(
                        Conversation(
                            organisation=organisation,
                            kind=kind,
                            agent=agent,
                            scenario=scenario if kind == "practice" else None,
                            product_id=scenario.product_id,
                            title=scenario.title,
                            language=scenario.language,
                            status="finished",
                            started_at=at - timedelta(minutes=12),
                            finished_at=at,
                            last_activity_at=at,
                        )
                    )
                    plans.append((scenario, level, gain * progress, risk * (1 - progress / 2)))
            Conversation.objects.bulk_create(conversations, batch_size=5000)
            scorecards = []
            criteria, findings, checkpoints = [], [], []
            for conversation, (scenario, level, gain, risk) in zip(
                conversations, plans, strict=True
            ):
                ratios = {
                    s: min(1.0, max(0.0, level[s] + gain + rng.gauss(0, 0.12))) for s in SKILL_CODES
                }
                violations = [r for r in RULES if rng.random() < risk / 6]
                serious = any(RULE_SEVERITY[r] == "serious" for r in violations)
                overall = round(100 * sum(ratios.values()) / len(ratios), 1)
                if serious:
                    overall = min(overall, 59.0)
                scorecards.append(
                    Scorecard(
                        organisation=organisation,
                        conversation=conversation,
                        rubric=scenario.rubric,
                        status="scored",
                        overall=overall,
                        passed=overall >= 60 and not serious,
                        scored_at=conversation.finished_at,
                        provider="offline",
                    )
                )
                criteria.append(ratios)
                findings.append(violations)
                checkpoints.append(
                    {c: rng.random() < 0.45 + ratios["compliance"] / 2 for c in CHECKPOINT_CODES}
                )
            Scorecard.objects.bulk_create(scorecards, batch_size=5000)
            CriterionScore.objects.bulk_create(
                (
                    CriterionScore(
                        scorecard=card,
                        code=skill,
                        skill=skill,
                        weight=15,
                        score=round(5 * ratio, 2),
                        ai_score=round(5 * ratio, 2),
                        max_score=5,
                        evidence=[{"turn": 1, "quote": "…"}],
                    )
                    for card, ratios in zip(scorecards, criteria, strict=True)
                    for skill, ratio in ratios.items()
                ),
                batch_size=10000,
            )
            Finding.objects.bulk_create(
                (
                    Finding(
                        scorecard=card,
                        rule_code=rule,
                        severity=RULE_SEVERITY[rule],
                        turn=3,
                        quote="…",
                    )
                    for card, rules in zip(scorecards, findings, strict=True)
                    for rule in rules
                ),
                batch_size=10000,
            )
            CheckpointResult.objects.bulk_create(
                (
                    CheckpointResult(scorecard=card, code=code, reached=reached, turn=None)
                    for card, reached_map in zip(scorecards, checkpoints, strict=True)
                    for code, reached in reached_map.items()
                ),
                batch_size=10000,
            )
        totals["conversations"] += len(conversations)
        totals["criteria"] += sum(len(c) for c in criteria)
        totals["findings"] += sum(len(f) for f in findings)
        totals["checkpoints"] += sum(len(c) for c in checkpoints)
        if (start // batch_agents) % 4 == 3 or start + batch_agents >= len(agents):
            log(f"{start + len(chunk)} agents: {totals}", started)

    analyze()
    log("ANALYZE after the bulk load", started)
    rebuild_started = time.monotonic()
    result = coaching_rebuild(organisation=organisation)
    log(f"coaching_rebuild in {time.monotonic() - rebuild_started:.1f}s: {result}", started)
    analyze()
    log("ANALYZE after the rebuild", started)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would gather after a bulk load."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--per-agent", type=int, default=100)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.agents, args.per_agent, args.teams, args.seed)


if __name__ == "__main__":
    main()
