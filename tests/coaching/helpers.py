"""Generated histories for coaching tests: scored conversations written directly, without
running the scorer, so a test states exactly which skills, rules and checkpoints fell short."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from cases.models import Rubric
from practice.models import (
    CheckpointResult,
    Conversation,
    CriterionScore,
    Finding,
    Scorecard,
)

SKILLS = ("opening", "discovery", "product", "objection", "compliance", "closing", "rapport")


def rubric_for(organisation) -> Rubric:
    rubric, _ = Rubric.objects.get_or_create(
        organisation=organisation, code="test-rubric", version=1, defaults={"criteria": []}
    )
    return rubric


def scored(
    agent,
    *,
    at: datetime | None = None,
    skills: dict[str, float] | None = None,
    findings: list[tuple[str, str]] | tuple = (),
    checkpoints: dict[str, bool] | None = None,
    kind: str = "practice",
    scenario=None,
    overall: float | None = None,
    passed: bool | None = None,
    status: str = "scored",
    rejected: tuple[str, ...] = (),
    language: str = "zh",
) -> Scorecard:
    """One scored conversation of ``agent``. ``skills`` maps a skill to its share of the maximum
    (0..1, default 0.8 for every skill); ``findings`` lists (rule, severity)."""
    at = at or timezone.now()
    skills = dict.fromkeys(SKILLS, 0.8) if skills is None else skills
    conversation = Conversation.objects.create(
        organisation_id=agent.organisation_id,
        kind=kind,
        agent=agent,
        scenario=scenario,
        product=scenario.product if scenario is not None else None,
        title=scenario.title if scenario is not None else f"{kind} {at:%Y-%m-%d %H:%M}",
        language=language,
        status="finished",
        started_at=at - timedelta(minutes=10),
        finished_at=at,
        last_activity_at=at,
    )
    if overall is None:
        overall = round(100 * sum(skills.values()) / max(len(skills), 1), 1)
    scorecard = Scorecard.objects.create(
        organisation_id=agent.organisation_id,
        conversation=conversation,
        rubric=scenario.rubric if scenario is not None else rubric_for(agent.organisation),
        status=status,
        overall=overall,
        passed=overall >= 60 if passed is None else passed,
        scored_at=at,
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            scorecard=scorecard,
            code=skill,
            skill=skill,
            weight=10,
            score=round(5 * ratio, 2),
            max_score=5,
            evidence=[{"turn": 1, "quote": f"{skill} quote"}],
        )
        for skill, ratio in skills.items()
    )
    Finding.objects.bulk_create(
        Finding(
            scorecard=scorecard,
            rule_code=rule,
            severity=severity,
            turn=2,
            quote=f"{rule} said",
            review_status="rejected" if rule in rejected else "ai",
        )
        for rule, severity in findings
    )
    CheckpointResult.objects.bulk_create(
        CheckpointResult(scorecard=scorecard, code=code, reached=reached, turn=None)
        for code, reached in (checkpoints or {}).items()
    )
    return scorecard


def history(agent, outcomes: list[dict], *, start: datetime | None = None, step_days: float = 1):
    """A series of scored conversations, one per ``outcomes`` entry (keyword args of
    ``scored``), ``step_days`` apart and ending about now."""
    start = start or timezone.now() - timedelta(days=step_days * len(outcomes))
    return [
        scored(agent, at=start + timedelta(days=step_days * i), **outcome)
        for i, outcome in enumerate(outcomes)
    ]


def bulk_history(agents, per_agent: int, *, weak_skill: str = "objection") -> None:
    """Many scored conversations at once (bulk_create), for query-count tests."""
    now = timezone.now()
    rubric = rubric_for(agents[0].organisation)
    conversations = [
        Conversation(
            organisation_id=agent.organisation_id,
            kind="practice" if i % 3 else "call",
            agent=agent,
            title=f"c{i}",
            status="finished",
            started_at=now - timedelta(days=i * 2, minutes=5),
            finished_at=now - timedelta(days=i * 2),
            last_activity_at=now,
        )
        for agent in agents
        for i in range(per_agent)
    ]
    Conversation.objects.bulk_create(conversations)
    scorecards = Scorecard.objects.bulk_create(
        Scorecard(
            organisation_id=c.organisation_id,
            conversation=c,
            rubric=rubric,
            status="scored",
            overall=55.0 + (c.pk % 30),
            passed=(c.pk % 30) > 5,
            scored_at=c.finished_at,
        )
        for c in conversations
    )
    CriterionScore.objects.bulk_create(
        CriterionScore(
            scorecard=s,
            code=skill,
            skill=skill,
            weight=10,
            score=1.5 if skill == weak_skill else 4.0,
            max_score=5,
        )
        for s in scorecards
        for skill in SKILLS
    )
    Finding.objects.bulk_create(
        Finding(scorecard=s, rule_code="false_urgency", severity="general", turn=1, quote="q")
        for s in scorecards[::2]
    )
    CheckpointResult.objects.bulk_create(
        CheckpointResult(scorecard=s, code="cooling_off_disclosed", reached=bool(s.pk % 2))
        for s in scorecards
    )
