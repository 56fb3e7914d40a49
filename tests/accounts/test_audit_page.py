"""The audit log page reads well: human action labels (the code kept for auditors), the kind
of object, a date that does not wrap, and the reason a reviewer gave for an override."""

import re

import pytest

from accounts.models import AuditEvent, Role
from accounts.selectors import AUDIT_ACTION_LABELS, audit_log
from accounts.services import audit_record, user_role_change
from practice import review
from practice.calls import call_import
from practice.scoring.pipeline import scorecard_score

pytestmark = pytest.mark.django_db

TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "想了解一下您家里的情况，孩子多大了？"},
]


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"


def test_audit_page_labels_actions_and_targets_and_shows_the_reason(
    english, seeded_org, org_admin, trainer, agent, login
):
    conversation = call_import(
        organisation=seeded_org, actor=trainer, title="call", language="zh", turns=TURNS
    )
    scorecard = scorecard_score(scorecard_id=conversation.scorecards.get().pk)
    criterion = scorecard.criteria.first()
    review.criterion_review(
        criterion=criterion,
        reviewer=trainer,
        score=0.0 if criterion.score else criterion.max_score,
        comment="Evidence is weak.",
    )
    user_role_change(actor=org_admin, user=agent, role=Role.TRAINER)

    html = login(org_admin).get("/accounts/audit/").content.decode()
    adjust = html[html.index('data-action="review.criterion_adjust"') :]
    adjust = adjust[: adjust.index("</tr>")]
    assert "Criterion score adjusted" in adjust
    assert "<code>review.criterion_adjust</code>" in adjust  # the code stays, for auditors
    assert f">Scorecard #{scorecard.pk}</td>" in adjust  # the kind's name, not "practice.scorecard"
    assert re.search(r'data-testid="audit-reason">[^<]*Evidence is weak\.', adjust)
    date_cell = re.search(r"<td([^>]*)><time", adjust)
    assert date_cell and "nowrap" in date_cell.group(1)

    role = html[html.index('data-action="user.role_changed"') :]
    role = role[: role.index("</tr>")]
    assert "Role changed" in role and f">User #{agent.pk}</td>" in role
    assert "audit-reason" not in role  # nothing to explain


def test_every_recorded_action_has_a_label_and_unknown_ones_show_their_code(
    english, org, org_admin
):
    audit_record(
        organisation=org, actor=org_admin, action="thing.frobbed", target_type="x.y", target_id="1"
    )
    row = audit_log(user=org_admin)[0]
    assert row["action_label"] == "thing.frobbed" and row["target_label"] == "x.y"
    # the actions the services record (see the audit_record calls)
    for action in (
        "user.role_changed",
        "content.imported",
        "product.created",
        "article.updated",
        "rule.created",
        "case.annotation_added",
        "scenario.archived",
        "call.import",
        "review.criterion_adjust",
        "review.finding_reject",
        "review.complete",
        "course.created",
        "assignment.created",
        "dashboard.exported",
    ):
        assert action in AUDIT_ACTION_LABELS, action
        assert str(AUDIT_ACTION_LABELS[action]) != action


def test_audit_page_query_count_is_constant(org, org_admin, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(org_admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/accounts/audit/").status_code == 200
        return len(ctx)

    audit_record(organisation=org, actor=org_admin, action="course.created", target=org)
    small = count()
    for _ in range(5):
        audit_record(organisation=org, actor=org_admin, action="course.created", target=org)
    assert count() == small
    assert AuditEvent.objects.filter(organisation=org).count() == 6
