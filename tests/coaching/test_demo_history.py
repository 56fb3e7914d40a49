"""The demo history: weeks of practice sessions and imported calls of the demo agents, played
against the persona engine through the real services and scored by the real pipeline."""

import io
import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, Q
from django.utils import timezone

from accounts.demo import USERS, seed_demo_users
from coaching.demo_history import DEMO_SOURCE, demo_history_seed
from practice.models import (
    Conversation,
    ConversationKind,
    Finding,
    OutboxMessage,
    Scorecard,
    ScorecardStatus,
    Turn,
)

WEEKS = 3
DEMO_AGENTS = [username for username, role, _name, _team in USERS if role == "agent"]


@pytest.fixture
def demo_org(db):
    from knowledge.seed import seed_content

    organisation = seed_demo_users(password="demo-pass-123")
    seed_content(organisation=organisation)
    return organisation


def _conversations(organisation):
    return Conversation.objects.filter(organisation=organisation).select_related("agent")


def _check_every_demo_agent_has_sessions_and_calls_over_the_weeks(demo_org, history):
    assert history["skipped"] is False
    per_agent = {
        row["agent__username"]: row
        for row in _conversations(demo_org)
        .values("agent__username")
        .annotate(
            sessions=Count("id", filter=Q(kind=ConversationKind.PRACTICE)),
            calls=Count("id", filter=Q(kind=ConversationKind.CALL)),
        )
    }
    assert set(per_agent) == set(DEMO_AGENTS)
    for username in DEMO_AGENTS:
        # 2–4 practice sessions a week, and a few real calls.
        assert 2 * WEEKS <= per_agent[username]["sessions"] <= 4 * WEEKS, username
        assert per_agent[username]["calls"] >= 2, username
    assert history["sessions"] == sum(r["sessions"] for r in per_agent.values())
    assert history["calls"] == sum(r["calls"] for r in per_agent.values())

    now = timezone.now()
    conversations = list(_conversations(demo_org))
    for conversation in conversations:
        assert now - timedelta(days=7 * WEEKS + 1) <= conversation.started_at < now
        assert conversation.finished_at > conversation.started_at
        assert conversation.status == "finished"
    # Spread over days and hours, not all at seeding time.
    assert len({c.started_at.date() for c in conversations}) >= 2 * WEEKS
    assert len({c.started_at.hour for c in conversations}) >= 4
    # Each scenario is played in its own language; agent6 practises the English ones.
    sessions = [c for c in conversations if c.kind == ConversationKind.PRACTICE]
    assert all(c.language == c.scenario.language for c in sessions)
    assert {c.language for c in sessions if c.agent.username == "agent6"} == {"en"}
    assert {c.language for c in sessions if c.agent.username != "agent6"} == {"zh"}


def _check_turns_and_scorecards_carry_the_simulated_time(demo_org, history):
    conversation = (
        _conversations(demo_org).filter(kind=ConversationKind.PRACTICE).order_by("started_at")[0]
    )
    turns = list(Turn.objects.filter(conversation=conversation).order_by("index"))
    assert len(turns) >= 3
    assert turns[0].created_at == conversation.started_at
    assert all(a.created_at < b.created_at for a, b in itertools.pairwise(turns))
    assert turns[-1].created_at <= conversation.finished_at
    scorecard = Scorecard.objects.get(conversation=conversation)
    assert scorecard.created_at >= conversation.finished_at
    assert scorecard.scored_at > scorecard.created_at
    assert timezone.now() - scorecard.scored_at > timedelta(minutes=30)


def _check_every_scorecard_is_scored_by_the_real_pipeline(demo_org, history):
    scorecards = Scorecard.objects.filter(organisation=demo_org)
    total = history["sessions"] + history["calls"]
    assert scorecards.count() == total == history["scored"]
    statuses = set(scorecards.values_list("status", flat=True))
    assert statuses <= {ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW}, statuses
    assert not scorecards.filter(overall__isnull=True).exists()
    assert scorecards.filter(criteria__isnull=False).distinct().count() == total
    # Scored in-process: no scoring message is left for a worker.
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    # Agents of different strengths get different results.
    averages = {
        row["conversation__agent__username"]: row["overall"]
        for row in scorecards.values("conversation__agent__username").annotate(
            overall=Avg("overall")
        )
    }
    assert set(averages) == set(DEMO_AGENTS)
    assert averages["agent5"] > averages["agent4"], averages
    serious = Finding.objects.filter(scorecard__organisation=demo_org, severity="serious")
    assert serious.filter(scorecard__conversation__agent__username="agent4").exists()
    assert serious.filter(scorecard__conversation__agent__username="agent4").count() > (
        serious.filter(scorecard__conversation__agent__username="agent5").count()
    )
    # agent1 keeps leaving out the cooling-off period.
    omitted = Finding.objects.filter(
        scorecard__conversation__agent__username="agent1", rule_code="cooling_off_omitted"
    )
    assert omitted.values("scorecard").distinct().count() >= 3


def _check_running_it_again_adds_nothing(demo_org, history):
    counts = (
        Conversation.objects.count(),
        Turn.objects.count(),
        Scorecard.objects.count(),
    )
    again = demo_history_seed(organisation=demo_org, weeks=WEEKS, seed=7)
    assert again["skipped"] is True
    assert (Conversation.objects.count(), Turn.objects.count(), Scorecard.objects.count()) == counts
    assert _conversations(demo_org).filter(source=DEMO_SOURCE).exists()


def _check_agent1_ends_with_an_open_weakness_and_recommended_drills(demo_org, history):
    try:
        from coaching.models import Weakness  # noqa: F401
        from coaching.selectors import agent_weaknesses
    except ImportError:
        pytest.skip("coaching has no Weakness model yet")  # the other checks ran before
    from accounts.models import User

    agent1 = User.objects.get(organisation=demo_org, username="agent1")
    open_weaknesses = agent_weaknesses(agent=agent1)
    assert open_weaknesses, "agent1 should end with an open weakness"
    codes = {row["weakness"].code for row in open_weaknesses}
    assert codes & {"cooling_off_omitted", "cooling_off_disclosed", "compliance"}, codes
    assert any(row["drills"] for row in open_weaknesses)


def _check_a_demo_course_is_assigned(demo_org, history):
    try:
        from coaching.models import Assignment, AssignmentProgress
    except ImportError:
        pytest.skip("coaching has no courses yet")
    assignments = Assignment.objects.filter(organisation=demo_org)
    assert assignments.filter(course__isnull=False, team__isnull=False).count() == 2
    assert assignments.filter(drill__isnull=False, agent__username="agent1").exists()
    assert AssignmentProgress.objects.filter(assignment__in=assignments, status="done").exists()


def test_demo_history(demo_org):
    """One history serves every check: replaying weeks of practice takes several seconds."""
    history = demo_history_seed(organisation=demo_org, weeks=WEEKS, seed=7)
    _check_every_demo_agent_has_sessions_and_calls_over_the_weeks(demo_org, history)
    _check_turns_and_scorecards_carry_the_simulated_time(demo_org, history)
    _check_every_scorecard_is_scored_by_the_real_pipeline(demo_org, history)
    _check_a_demo_course_is_assigned(demo_org, history)
    _check_running_it_again_adds_nothing(demo_org, history)
    _check_agent1_ends_with_an_open_weakness_and_recommended_drills(demo_org, history)


def test_seed_demo_without_history(db):
    out = io.StringIO()
    call_command("seed_demo", "--no-history", stdout=out)
    assert "Demo history" not in out.getvalue()
    assert not Conversation.objects.exists()
