"""The trainer and admin home pages: every figure matches the page it links to."""

import re

import pytest

from cases.models import MICRO_DRILL_PREFIX, Scenario
from practice.calls import call_import
from practice.models import Scorecard, ScorecardStatus
from practice.scoring.pipeline import scorecard_score

pytestmark = pytest.mark.django_db

TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "这款产品有90天等待期，签约后有15天犹豫期。"},
]


def _scorecard(org, trainer, status: str, title: str) -> Scorecard:
    conversation = call_import(
        organisation=org, actor=trainer, title=title, language="zh", turns=TURNS
    )
    scorecard = scorecard_score(scorecard_id=conversation.scorecards.get().pk)
    Scorecard.objects.filter(pk=scorecard.pk).update(status=status)
    return scorecard


def _stat(html: str, href: str) -> int:
    """The number on the home's stat card that links to ``href``."""
    match = re.search(rf'href="{re.escape(href)}"><span class="value">(\d+)</span>', html)
    assert match, href
    return int(match.group(1))


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_home_counts_match_the_linked_pages(seeded_org, trainer, org_admin, login, role):
    user = {"trainer": trainer, "admin": org_admin}[role]
    template = Scenario.objects.filter(organisation=seeded_org).first()
    template.pk = None
    template.code = f"{MICRO_DRILL_PREFIX}home-test"
    template.save()  # a micro-drill: listed apart from the scenario catalogue
    for status, title in [
        (ScorecardStatus.SCORED, "a"),
        (ScorecardStatus.SCORED, "b"),
        (ScorecardStatus.NEEDS_REVIEW, "c"),
        (ScorecardStatus.FAILED, "d"),
        (ScorecardStatus.REVIEWED, "e"),  # done: not in the queue
    ]:
        _scorecard(seeded_org, trainer, status, title)

    client = login(user)
    home = client.get("/").content.decode()

    catalogue = client.get("/cases/scenarios/")
    assert _stat(home, "/cases/scenarios/") == len(catalogue.context["scenarios"])
    assert Scenario.objects.filter(organisation=seeded_org).count() > len(
        catalogue.context["scenarios"]
    )

    queue = client.get("/practice/review/")
    queued = len(queue.context["queue"])
    assert queued == 4
    line = home[home.index('data-testid="review-queue-count"') :]
    assert re.search(rf"(?<!\d){queued}(?!\d)", line[: line.index("</p>")])
    assert 'href="/practice/review/"' in home
    if role == "trainer":
        # the trainer desk counts the same queue
        desk = client.get("/dashboard/trainer/").content.decode()
        card = desk[desk.index('data-testid="review-count"') :]
        assert re.search(r'class="value">(\d+)<', card).group(1) == str(queued)


def test_home_query_count_does_not_grow_with_content(seeded_org, trainer, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(trainer)
    client.get("/")
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    for title in "xyz":
        _scorecard(seeded_org, trainer, ScorecardStatus.SCORED, title)
    with CaptureQueriesContext(connection) as large:
        client.get("/")
    assert len(large) == len(small)
