"""The audit log: score overrides, rule edits, exports and role changes are recorded with who,
when and what, and shown to the organisation's administrators only."""

import pytest

from accounts.models import AuditEvent, Role
from accounts.services import user_role_change
from knowledge.services import rule_save
from practice import review
from practice.calls import call_import
from practice.scoring.pipeline import scorecard_score

pytestmark = pytest.mark.django_db

TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "想了解一下您家里的情况，孩子多大了？"},
    {"speaker": "customer", "text": "孩子五岁。"},
]

RULE = {
    "code": "no-night-calls",
    "severity": "general",
    "title_zh": "夜间致电",
    "title_en": "Calling late at night",
    "basis": "公司内部规定",
    "description_zh": "晚上九点以后不得致电客户。",
    "description_en": "Do not call customers after 9 pm.",
    "violating_examples": ["现在晚上十点了，我再跟您讲讲这款产品"],
    "compliant_examples": ["我明天上午再给您打电话"],
}


def test_role_change_service_is_audited(org, org_admin, agent):
    user_role_change(actor=org_admin, user=agent, role=Role.TRAINER)

    agent.refresh_from_db()
    assert agent.role == Role.TRAINER
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.actor == org_admin
    assert event.organisation == org
    assert event.target_id == str(agent.pk)
    assert event.before == {"role": "agent"} and event.after == {"role": "trainer"}
    # the same role again changes nothing and records nothing
    user_role_change(actor=org_admin, user=agent, role=Role.TRAINER)
    assert AuditEvent.objects.filter(action="user.role_changed").count() == 1
    with pytest.raises(ValueError):
        user_role_change(actor=org_admin, user=agent, role="owner")


def test_role_change_in_django_admin_is_audited(org, agent):
    from tests.factories import UserFactory

    superuser = UserFactory(username="root", organisation=None, role=Role.ADMIN)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    from django.test import Client

    client = Client()
    client.force_login(superuser)
    response = client.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "username": agent.username,
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
            "organisation": org.pk,
            "team": agent.team_id,
            "role": Role.MANAGER,
            "display_name": "Agent A",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    agent.refresh_from_db()
    assert agent.role == Role.MANAGER and agent.display_name == "Agent A"
    event = AuditEvent.objects.get(action="user.role_changed", target_id=str(agent.pk))
    assert event.actor == superuser
    assert event.before == {"role": "agent"} and event.after == {"role": "manager"}


def test_each_kind_of_event_reaches_the_admins_audit_page(
    seeded_org, org_admin, trainer, manager, agent, outsider, login, settings
):
    settings.LANGUAGE_CODE = "en"
    # a score override by a reviewer
    conversation = call_import(
        organisation=seeded_org, actor=trainer, title="call", language="zh", turns=TURNS
    )
    scorecard = scorecard_score(scorecard_id=conversation.scorecards.get().pk)
    criterion = scorecard.criteria.first()
    new_score = 0.0 if criterion.score else criterion.max_score
    review.criterion_review(
        criterion=criterion, reviewer=trainer, score=new_score, comment="Evidence is weak."
    )
    # a compliance rule created, then edited
    rule = rule_save(organisation=seeded_org, data=RULE, actor=trainer)
    rule_save(
        organisation=seeded_org, data={**RULE, "severity": "serious"}, actor=trainer, rule=rule
    )
    # an export of a dashboard
    export = login(manager).get("/dashboard/team/", {"export": "rules"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    # a role change
    user_role_change(actor=org_admin, user=agent, role=Role.TRAINER)

    actions = set(
        AuditEvent.objects.filter(organisation=seeded_org).values_list("action", flat=True)
    )
    expected = {"rule.created", "rule.updated", "dashboard.exported", "user.role_changed"}
    assert expected <= actions, actions
    override = [a for a in actions if a.startswith(("review.", "criterion."))]
    assert override, actions
    for event in AuditEvent.objects.filter(organisation=seeded_org, action__in=expected):
        assert event.actor_id is not None and event.created_at is not None

    page = login(org_admin).get("/accounts/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    for action in expected | set(override):
        assert f"<code>{action}</code>" in html, action
    for who in (trainer.name, manager.name, org_admin.name):
        assert who in html

    # nobody else sees it; another organisation's administrator sees none of it
    for user in (agent, trainer, manager):
        user.refresh_from_db()
        assert login(user).get("/accounts/audit/").status_code == 403
    from tests.factories import UserFactory

    other_admin = UserFactory(username="admin_b", organisation=outsider.organisation, role="admin")
    other_page = login(other_admin).get("/accounts/audit/").content.decode()
    assert "user.role_changed" not in other_page and "rule.created" not in other_page


def test_audit_page_needs_login(client):
    response = client.get("/accounts/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
