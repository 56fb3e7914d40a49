"""Weeks of believable history for the demo organisation, so every dashboard shows something true
on first start.

The demo agents (agent1…agent6, see :mod:`coaching.demo_agents`) play practice sessions against
the persona engine through the real practice services, and real calls are imported through the
real call import, from transcripts the same agents played. Every scorecard is scored by the real
pipeline in this process (no worker is needed), then each conversation is moved back to the
simulated time it happened at. Finally the coaching aggregates are rebuilt and a demo course is
assigned.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import Organisation, Role, User
from cases.models import Case, Scenario, Speaker
from coaching.demo_agents import (
    PROFILES,
    DemoAgent,
    Profile,
    reply_from_meta,
    transcript_play,
)
from practice.models import Alert, Conversation, ConversationKind, Scorecard, ScorecardStatus, Turn

logger = logging.getLogger(__name__)

DEMO_SOURCE = "demo-history"
CALL_SOURCE = "import"
# Seconds between two turns of a simulated conversation, and until its scorecard is ready.
TURN_GAP = 35
SCORING_DELAY = 40
MAX_AGENT_MESSAGES = 18
ONE_YEAR_TYPES = frozenset({"medical", "accident"})
# The short drill scenarios the coaching app derives from the full ones are not played here.
DRILL_SCENARIO_PREFIX = "micro-"


@dataclass
class _Planned:
    when: datetime
    profile: Profile
    progress: float  # 0 at the start of the history, 1 at its end
    kind: str  # practice | call


def demo_history_exists(*, organisation: Organisation) -> bool:
    return Conversation.objects.filter(organisation=organisation, source=DEMO_SOURCE).exists()


def demo_history_seed(*, organisation: Organisation, weeks: int = 6, seed: int = 7) -> dict:
    """Practice sessions and imported calls of the demo agents over the last ``weeks`` weeks.

    Idempotent: an organisation that already has demo history is left alone. Returns counts.
    """
    if demo_history_exists(organisation=organisation):
        return {"skipped": True, "sessions": 0, "calls": 0, "scored": 0}
    started = time.monotonic()
    agents = {
        user.username: user
        for user in User.objects.filter(
            organisation=organisation, username__in=list(PROFILES), role=Role.AGENT
        )
    }
    scenarios = list(
        Scenario.objects.filter(organisation=organisation, is_active=True)
        .exclude(code__startswith=DRILL_SCENARIO_PREFIX)
        .select_related("product", "rubric")
        .order_by("code")
    )
    if not agents or not scenarios:
        return {"skipped": True, "sessions": 0, "calls": 0, "scored": 0}
    importer = (
        User.objects.filter(organisation=organisation, role__in=[Role.TRAINER, Role.ADMIN])
        .order_by("role", "pk")
        .first()
    )
    rng = random.Random(seed)
    plan = _plan(agents, weeks=weeks, rng=rng)
    sessions = calls = 0
    scorecard_ids: list[int] = []
    conversation_ids: list[int] = []
    with transaction.atomic():
        for item in plan:
            user = agents[item.profile.username]
            scenario = _pick_scenario(scenarios, item.profile, rng)
            strength = item.profile.at(item.progress)
            agent = DemoAgent(
                scenario.as_record(),
                strength,
                random.Random(rng.random()),
                agent_name=item.profile.display.get(scenario.language, ""),
                agent_number=f"A10{user.pk % 100:02d}",
            )
            if item.kind == "practice" or importer is None:
                conversation = _play_session(user, scenario, agent, seed=rng.randrange(1, 2**31))
                sessions += 1
            else:
                conversation = _import_call(
                    organisation, importer, user, scenario, agent, seed=rng.randrange(1, 2**31)
                )
                calls += 1
            scorecard_ids.extend(_score_pending(conversation))
            _move_to(conversation, item.when)
            conversation_ids.append(conversation.pk)
        _alerts_to_turn_time(conversation_ids)
        rebuilt = _coaching_rebuild(organisation)
        course = _demo_course(organisation, agents, timezone.now()) if rebuilt else None
    scored = Scorecard.objects.filter(
        pk__in=scorecard_ids, status__in=[ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW]
    ).count()
    return {
        "skipped": False,
        "sessions": sessions,
        "calls": calls,
        "scored": scored,
        "coaching": rebuilt,
        "course": course,
        "seconds": round(time.monotonic() - started, 1),
    }


def _plan(agents: dict[str, User], *, weeks: int, rng: random.Random) -> list[_Planned]:
    """When each agent practised (2–4 sessions a week) and when their real calls took place."""
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=7 * weeks)
    span = max(1.0, (now - first_day).total_seconds())
    plan: list[_Planned] = []

    def moment(day: int) -> datetime:
        hour = rng.choice([9, 10, 11, 14, 15, 16, 17, 19, 20])
        when = first_day + timedelta(days=day, hours=hour, minutes=rng.randrange(0, 60))
        # Today's sessions lie in the past hours, never in the future.
        return min(when, now - timedelta(minutes=45 + rng.randrange(0, 120)))

    for username in sorted(agents):
        profile = PROFILES[username]
        for week in range(weeks):
            days = sorted(rng.sample(range(7), rng.randint(2, 4)))
            for day in days:
                when = moment(7 * week + day)
                plan.append(
                    _Planned(when, profile, (when - first_day).total_seconds() / span, "practice")
                )
        call_count = max(2, min(4, weeks // 2))
        for day in sorted(rng.sample(range(7 * weeks), call_count)):
            when = moment(day)
            plan.append(_Planned(when, profile, (when - first_day).total_seconds() / span, "call"))
    plan.sort(key=lambda p: (p.when, p.profile.username))
    return plan


def _pick_scenario(scenarios: list[Scenario], profile: Profile, rng: random.Random) -> Scenario:
    own = [s for s in scenarios if s.language == profile.language] or scenarios
    if profile.username == "agent1":
        # agent1 sells the long-term products, where the cooling-off period must be disclosed,
        # and meets the customers who find them expensive half of the time.
        own = [s for s in own if s.product.type not in ONE_YEAR_TYPES] or own
        priced = [s for s in own if _has_price_objection(s)]
        if priced and rng.random() < 0.5:
            own = priced
    return rng.choice(own)


def _has_price_objection(scenario: Scenario) -> bool:
    return any(o.get("type") == "price" for o in (scenario.persona or {}).get("objections") or [])


def _play_session(user: User, scenario: Scenario, agent: DemoAgent, *, seed: int) -> Conversation:
    from practice.services import session_finish, session_start, turn_take

    conversation = session_start(user=user, scenario=scenario, seed=seed)
    opening = conversation.turns.get(index=0)
    reply = reply_from_meta(opening.text, opening.meta)
    for _ in range(MAX_AGENT_MESSAGES):
        text = agent(reply)
        if text is None:
            break
        _submitted, result = turn_take(
            conversation=conversation, user=user, text=text, deep_check=False
        )
        reply = reply_from_meta(result.customer_turn.text, result.customer_turn.meta)
        conversation.refresh_from_db(fields=["state", "outcome", "status"])
        if reply.ended:
            break
    session_finish(conversation=conversation, user=user, queue_scoring=False)
    Conversation.objects.filter(pk=conversation.pk).update(source=DEMO_SOURCE)
    return conversation


def _import_call(
    organisation: Organisation,
    importer: User,
    user: User,
    scenario: Scenario,
    agent: DemoAgent,
    *,
    seed: int,
) -> Conversation:
    record = scenario.as_record()
    turns = transcript_play(record, agent, seed=seed, max_turns=MAX_AGENT_MESSAGES)
    name = (record.get("persona") or {}).get("name") or ""
    if scenario.language == "en":
        title = f"Call with {name} · {scenario.product.name_en or scenario.product.code}"
    else:
        title = f"{name}来电 · {scenario.product.name or scenario.product.code}"
    from practice.calls import call_import

    return call_import(
        organisation=organisation,
        actor=importer,
        title=title,
        language=scenario.language,
        turns=turns,
        agent_username=user.username,
        product_code=scenario.product.code,
        source=CALL_SOURCE,
        queue_scoring=False,
    )


def _score_pending(conversation: Conversation) -> list[int]:
    from practice.scoring.pipeline import scorecard_score

    ids = list(
        Scorecard.objects.filter(
            conversation=conversation, status=ScorecardStatus.PENDING
        ).values_list("pk", flat=True)
    )
    for scorecard_id in ids:
        scorecard_score(scorecard_id=scorecard_id, notify=False)
    return ids


def _move_to(conversation: Conversation, when: datetime) -> None:
    """Put a conversation, its turns and its scorecard at the simulated time."""
    turns = list(conversation.turns.order_by("index").only("pk", "index", "speaker"))
    moment = when
    for turn in turns:
        turn.created_at = moment
        moment += timedelta(seconds=TURN_GAP if turn.speaker == Speaker.AGENT else TURN_GAP // 2)
    Turn.objects.bulk_update(turns, ["created_at"])
    Conversation.objects.filter(pk=conversation.pk).update(
        started_at=when, finished_at=moment, last_activity_at=moment
    )
    Scorecard.objects.filter(conversation=conversation).update(
        created_at=moment, scored_at=moment + timedelta(seconds=SCORING_DELAY)
    )


def _alerts_to_turn_time(conversation_ids: list[int]) -> None:
    Alert.objects.filter(conversation_id__in=conversation_ids).update(
        created_at=Subquery(Turn.objects.filter(pk=OuterRef("turn_id")).values("created_at")[:1])
    )


def _coaching_rebuild(organisation: Organisation) -> dict | None:
    try:
        from coaching.services import coaching_rebuild
    except ImportError:
        return None
    return coaching_rebuild(organisation=organisation)


def _demo_course(organisation: Organisation, agents: dict[str, User], now: datetime) -> dict:
    """Two courses assigned three weeks ago, and agent1's top drill for a weakness."""
    from coaching.models import Assignment
    from coaching.services import assignment_create, course_create, course_item_add
    from knowledge.models import Article

    trainer = (
        User.objects.filter(organisation=organisation, role=Role.TRAINER).order_by("pk").first()
    )
    if trainer is None:
        return {"courses": 0, "assignments": 0}
    articles = Article.objects.filter(organisation=organisation)
    cases = Case.objects.filter(organisation=organisation)
    scenarios = Scenario.objects.filter(organisation=organisation, is_active=True)
    courses = [
        (
            "zh",
            "成交前的两个提醒与“嫌贵”异议",
            "四周内完成：学习犹豫期与如实告知，研读一个嫌贵成交的案例，"
            "再在“二孩妈妈”场景中拿到70分以上。",
            [
                ("article", articles.filter(language="zh", title__contains="犹豫期").first(), None),
                ("article", articles.filter(language="zh", title__contains="嫌贵").first(), None),
                ("case", cases.filter(language="zh", title__contains="嫌").first(), None),
                ("scenario", scenarios.filter(code="zh-ci-young-mother").first(), 70),
            ],
        ),
        (
            "en",
            "Price objections in English",
            "Study the talk track for “it's too expensive”, then pass an English practice "
            "scenario with 70 or more.",
            [
                (
                    "article",
                    articles.filter(language="en", title__contains="expensive").first(),
                    None,
                ),
                (
                    "scenario",
                    next(
                        (s for s in scenarios if s.language == "en" and _has_price_objection(s)),
                        None,
                    ),
                    70,
                ),
            ],
        ),
    ]
    assigned_at = now - timedelta(days=21)
    teams = {user.team_id: user.team for user in agents.values() if user.team_id is not None}
    assignments = []
    past_due: dict[int, datetime] = {}
    for language, title, description, items in courses:
        course = course_create(
            organisation=organisation,
            actor=trainer,
            title=title,
            description=description,
            language=language,
        )
        for kind, target, pass_mark in items:
            if target is not None:
                course_item_add(
                    course=course,
                    actor=trainer,
                    kind=kind,
                    target_id=target.pk,
                    pass_mark=pass_mark,
                )
        if not course.items.exists():
            continue
        if language == "zh":
            for due_in, team in zip(
                (10, -2), sorted(teams.values(), key=lambda t: t.pk), strict=False
            ):
                # Assigned three weeks ago: a due date in the past was in the future then
                # (the service refuses past due dates, so it is set once the row exists).
                assignment = assignment_create(
                    organisation=organisation,
                    actor=trainer,
                    course=course,
                    team=team,
                    due_at=now + timedelta(days=max(due_in, 1)),
                )
                if due_in < 1:
                    past_due[assignment.pk] = now + timedelta(days=due_in)
                assignments.append(assignment)
        elif "agent6" in agents:
            assignments.append(
                assignment_create(
                    organisation=organisation,
                    actor=trainer,
                    course=course,
                    agent=agents["agent6"],
                    due_at=now + timedelta(days=7),
                )
            )
    drill = _top_drill(agents.get("agent1"))
    if drill is not None:
        assignments.append(
            assignment_create(
                organisation=organisation,
                actor=trainer,
                drill=drill,
                agent=agents["agent1"],
                due_at=now + timedelta(days=5),
            )
        )
    _assignments_backdate(assignments, assigned_at, agents)
    for pk, due_at in past_due.items():
        Assignment.objects.filter(pk=pk).update(due_at=due_at)
    return {"courses": len(courses), "assignments": len(assignments)}


def _top_drill(agent: User | None):
    """The first drill recommended for the agent's open weaknesses, if any."""
    if agent is None:
        return None
    from coaching.selectors import agent_weaknesses

    for row in agent_weaknesses(agent=agent):
        if row["drills"]:
            return row["drills"][0]["drill"]
    return None


def _assignments_backdate(assignments: list, assigned_at: datetime, agents: dict) -> None:
    """Courses were assigned weeks ago: the practice since then counts towards them, and some
    agents have studied the reading items."""
    from coaching.models import Assignment, AssignmentProgress, ItemKind
    from coaching.services import progress_mark_studied, progress_update_for_scorecard

    Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(created_at=assigned_at)
    scorecards = Scorecard.objects.filter(
        is_current=True,
        conversation__kind=ConversationKind.PRACTICE,
        conversation__started_at__gte=assigned_at,
        conversation__agent__in=list(agents.values()),
    ).select_related("conversation")
    for scorecard in scorecards:
        progress_update_for_scorecard(scorecard=scorecard)
    studied = {"agent2", "agent5", "agent6", "agent1"}
    rows = AssignmentProgress.objects.filter(
        assignment__in=assignments,
        agent__username__in=studied,
        item__kind__in=[ItemKind.ARTICLE, ItemKind.CASE],
    ).select_related("agent", "item")
    for row in rows:
        progress_mark_studied(agent=row.agent, item=row.item)
