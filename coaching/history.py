"""Loading agents' scored conversations in a few bulk queries, as plain records the coaching
arithmetic works on (one record per current, scored scorecard)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from practice.models import (
    CheckpointResult,
    CriterionScore,
    Finding,
    ItemStatus,
    Scorecard,
    ScorecardStatus,
)

SCORED_STATUSES = (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW, ScorecardStatus.REVIEWED)


@dataclass
class Scored:
    """One scored conversation of an agent."""

    scorecard_id: int
    conversation_id: int
    agent_id: int
    kind: str  # practice | call
    at: datetime  # when the conversation took place (finished, else started)
    started_at: datetime
    scenario_id: int | None
    overall: float | None
    passed: bool | None
    skills: dict[str, float] = field(default_factory=dict)  # skill -> 0..1
    rules: dict[str, dict] = field(default_factory=dict)  # rule -> {"turn","quote","severity"}
    checkpoints: dict[str, tuple[bool, int | None]] = field(default_factory=dict)

    def evidence(self, *, turn: int | None = None, quote: str = "") -> dict:
        return {
            "conversation": self.conversation_id,
            "scorecard": self.scorecard_id,
            "turn": turn,
            "quote": quote[:300],
            "at": self.at.isoformat(),
        }


def week_of(moment: datetime) -> date:
    """The Monday of the (local) week of ``moment``."""
    day = timezone.localtime(moment).date()
    return day - timedelta(days=day.weekday())


def load_histories(
    *,
    organisation_id: int,
    agent_ids: Iterable[int],
    started_from: datetime | None = None,
    started_before: datetime | None = None,
) -> dict[int, list[Scored]]:
    """Scored conversations per agent, oldest first: four queries whatever the numbers."""
    agent_ids = list(agent_ids)
    if not agent_ids:
        return {}
    scorecards = Scorecard.objects.filter(
        organisation_id=organisation_id,
        is_current=True,
        status__in=SCORED_STATUSES,
        conversation__agent_id__in=agent_ids,
    )
    if started_from is not None:
        scorecards = scorecards.filter(conversation__started_at__gte=started_from)
    if started_before is not None:
        scorecards = scorecards.filter(conversation__started_at__lt=started_before)
    records: dict[int, Scored] = {}
    for row in scorecards.values_list(
        "pk",
        "conversation_id",
        "conversation__agent_id",
        "conversation__kind",
        "conversation__finished_at",
        "conversation__started_at",
        "scored_at",
        "conversation__scenario_id",
        "overall",
        "passed",
    ).iterator(chunk_size=5000):
        pk, conversation_id, agent_id, kind, finished, started, scored_at, scenario, overall, ok = (
            row
        )
        records[pk] = Scored(
            scorecard_id=pk,
            conversation_id=conversation_id,
            agent_id=agent_id,
            kind=kind,
            at=finished or started or scored_at,
            started_at=started,
            scenario_id=scenario,
            overall=overall,
            passed=ok,
        )
    if not records:
        return {}
    ids = list(records)
    sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for scorecard_id, skill, score, max_score, weight in _chunked(
        # A criterion that did not apply (no objection raised) says nothing about the skill.
        CriterionScore.objects.filter(applicable=True),
        ids,
        ("scorecard_id", "skill", "score", "max_score", "weight"),
    ):
        if not skill or not max_score:
            continue
        w = weight if weight and weight > 0 else 1.0
        bucket = sums[(scorecard_id, skill)]
        bucket[0] += w * min(max(score / max_score, 0.0), 1.0)
        bucket[1] += w
    for (scorecard_id, skill), (total, weight) in sums.items():
        if weight:
            records[scorecard_id].skills[skill] = total / weight
    findings = Finding.objects.exclude(review_status=ItemStatus.REJECTED)
    for scorecard_id, rule, severity, turn, quote in _chunked(
        findings, ids, ("scorecard_id", "rule_code", "severity", "turn", "quote")
    ):
        rules = records[scorecard_id].rules
        if rule not in rules:
            rules[rule] = {"turn": turn, "quote": quote or "", "severity": severity, "count": 1}
        else:
            rules[rule]["count"] += 1
    for scorecard_id, code, reached, turn in _chunked(
        CheckpointResult.objects, ids, ("scorecard_id", "code", "reached", "turn")
    ):
        records[scorecard_id].checkpoints[code] = (reached, turn)
    histories: dict[int, list[Scored]] = defaultdict(list)
    for record in records.values():
        histories[record.agent_id].append(record)
    for items in histories.values():
        items.sort(key=lambda r: (r.at, r.scorecard_id))
    return dict(histories)


def _chunked(queryset, ids: list[int], columns: tuple[str, ...], size: int = 20000):
    """``scorecard_id IN (…)`` in slices, so a big organisation never builds a huge statement."""
    for start in range(0, len(ids), size):
        yield from queryset.filter(scorecard_id__in=ids[start : start + size]).values_list(*columns)


def skill_evidence(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, str]]:
    """The first evidence quote of the criteria of a skill in a scorecard, for weakness cards."""
    pairs = set(pairs)
    if not pairs:
        return {}
    found: dict[tuple[int, str], tuple[int, str]] = {}
    rows = CriterionScore.objects.filter(
        scorecard_id__in={p[0] for p in pairs}, skill__in={p[1] for p in pairs}
    ).values_list("scorecard_id", "skill", "evidence")
    for scorecard_id, skill, evidence in rows:
        key = (scorecard_id, skill)
        if key not in pairs or key in found:
            continue
        for item in evidence or []:
            if isinstance(item, dict) and isinstance(item.get("turn"), int):
                found[key] = (item["turn"], str(item.get("quote") or ""))
                break
    return found
