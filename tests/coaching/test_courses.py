"""Courses, assignments and progress: studied items, scenarios passed through a scorecard,
overdue; only trainers build and assign."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from coaching.models import AssignmentProgress, Course
from coaching.selectors import agent_assignments
from coaching.services import (
    assignment_create,
    coaching_update_for_scorecard,
    course_create,
    course_item_add,
    team_assignments_extend,
)
from config.errors import DomainError
from knowledge.models import Article
from tests.coaching.helpers import scored
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(seeded_org, trainer, scenario_zh):
    course = course_create(organisation=seeded_org, actor=trainer, title="新人合规入门")
    article = Article.objects.get(organisation=seeded_org, slug="kb-cooling-off-period")
    course_item_add(course=course, actor=trainer, kind="article", target_id=article.pk)
    course_item_add(
        course=course, actor=trainer, kind="scenario", target_id=scenario_zh.pk, pass_mark=70
    )
    return course


def test_team_assignment_creates_progress_for_each_agent(course, trainer, team, agent):
    teammate = UserFactory(username="mate", organisation=course.organisation, team=team)
    assignment = assignment_create(
        organisation=course.organisation,
        actor=trainer,
        course=course,
        team=team,
        due_at=timezone.now() + timedelta(days=7),
    )
    rows = AssignmentProgress.objects.filter(assignment=assignment)
    assert rows.count() == 4  # 2 agents × 2 items
    assert set(rows.values_list("agent_id", flat=True)) == {agent.pk, teammate.pk}
    assert AuditEvent.objects.filter(action="assignment.created").exists()
    # an item added later reaches the agents already assigned
    case = course.organisation.cases.first()
    course_item_add(course=course, actor=trainer, kind="case", target_id=case.pk)
    assert rows.count() == 6


def test_article_studied_and_scenario_passed(course, trainer, agent, login, scenario_zh):
    assignment = assignment_create(
        organisation=course.organisation, actor=trainer, course=course, agent=agent
    )
    client = login(agent)
    page = client.get(f"/courses/{course.pk}/")
    assert page.status_code == 200 and "新人合规入门" in page.content.decode()
    article_item, scenario_item = course.items.order_by("order")
    response = client.post(
        f"/courses/{course.pk}/items/{article_item.pk}/studied/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'data-testid="item-done"' in response.content.decode()
    done = AssignmentProgress.objects.get(assignment=assignment, item=article_item)
    assert done.status == "done" and done.completed_at is not None

    # a scenario below the pass mark keeps the item open but records the best score
    low = scored(agent, scenario=scenario_zh, overall=65, passed=True)
    coaching_update_for_scorecard(scorecard_id=low.pk)
    row = AssignmentProgress.objects.get(assignment=assignment, item=scenario_item)
    assert row.status == "todo" and row.best_score == 65
    high = scored(agent, scenario=scenario_zh, overall=82, passed=True)
    coaching_update_for_scorecard(scorecard_id=high.pk)
    row.refresh_from_db()
    assert row.status == "done" and row.best_score == 82
    [summary] = agent_assignments(agent)
    assert summary["complete"] and summary["percent"] == 100
    # a scenario item cannot be marked studied by hand
    client.post(f"/courses/{course.pk}/items/{scenario_item.pk}/studied/")
    assert AssignmentProgress.objects.get(pk=row.pk).best_score == 82


def _pass_due_date(assignment, days=1):
    """Time passes: the due date of an assignment made earlier is now behind us (the service
    refuses a due date in the past)."""
    assignment.due_at = timezone.now() - timedelta(days=days)
    assignment.save(update_fields=["due_at"])
    return assignment


def test_overdue_is_visible_to_agent_trainer_and_manager(course, trainer, agent, manager, login):
    assignment = assignment_create(
        organisation=course.organisation,
        actor=trainer,
        course=course,
        agent=agent,
        due_at=timezone.now() + timedelta(days=1),
    )
    _pass_due_date(assignment)
    [row] = agent_assignments(agent)
    assert row["overdue"] and not row["complete"]
    assert 'data-testid="overdue"' in login(agent).get("/").content.decode()
    assert 'data-testid="overdue"' in login(agent).get(f"/courses/{course.pk}/").content.decode()
    desk = login(trainer).get("/dashboard/trainer/")
    assert desk.context["assignments"][0]["late_agents"] == 1
    dashboard = login(manager).get("/dashboard/team/")
    assert dashboard.context["courses"][0]["late"] == 1
    progress = login(manager).get(f"/assignments/{assignment.pk}/")
    assert progress.status_code == 200 and "badge-bad" in progress.content.decode()


def test_course_builder_reorders_and_removes_with_htmx(course, trainer, login):
    client = login(trainer)
    first, second = course.items.order_by("order")
    response = client.post(
        f"/courses/{course.pk}/items/{second.pk}/move/up/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="course-items"' in response.content.decode()
    assert list(course.items.order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    client.post(f"/courses/{course.pk}/items/{first.pk}/remove/", HTTP_HX_REQUEST="true")
    assert list(course.items.values_list("pk", flat=True)) == [second.pk]
    # without htmx the same forms redirect back to the course page
    response = client.post(
        f"/courses/{course.pk}/items/", {"target": f"case:{course.organisation.cases.first().pk}"}
    )
    assert response.status_code == 302 and course.items.count() == 2


def test_only_trainers_build_and_assign(course, agent, manager, login, api_client, trainer):
    with pytest.raises(DomainError):
        course_create(organisation=course.organisation, actor=agent, title="x")
    with pytest.raises(DomainError):
        assignment_create(
            organisation=course.organisation, actor=manager, course=course, agent=agent
        )
    assert (
        login(agent)
        .post("/assignments/new/", {"course": course.pk, "to": f"agent:{agent.pk}"})
        .status_code
        == 403
    )
    assert login(agent).post("/courses/", {"title": "mine"}).status_code == 403
    assert login(manager).post(f"/courses/{course.pk}/items/", {"target": "x"}).status_code == 403
    api_client.force_authenticate(agent)
    response = api_client.post(
        "/api/v1/assignments/", {"course": course.pk, "agent": agent.pk}, format="json"
    )
    assert response.status_code == 403 and "detail" in response.json()
    assert not course.assignments.exists()
    # a trainer can, through the page and the API
    api_client.force_authenticate(trainer)
    response = api_client.post(
        "/api/v1/assignments/", {"course": course.pk, "agent": agent.pk}, format="json"
    )
    assert response.status_code == 201 and response.json()["course"] == course.pk


def test_an_agent_sees_only_assigned_courses(
    course, trainer, agent, agent_other_team, login, outsider
):
    assignment_create(organisation=course.organisation, actor=trainer, course=course, agent=agent)
    assert login(agent).get(f"/courses/{course.pk}/").status_code == 200
    assert login(agent_other_team).get(f"/courses/{course.pk}/").status_code == 404
    assert login(outsider).get(f"/courses/{course.pk}/").status_code == 404
    listing = login(agent).get("/courses/")
    assert "新人合规入门" in listing.content.decode()
    assert Course.objects.count() == 1


def test_agent_joining_a_team_gets_its_current_assignments(
    course, trainer, team, other_team, agent, agent_other_team
):
    org = course.organisation
    past_due = assignment_create(
        organisation=org,
        actor=trainer,
        course=course,
        team=team,
        due_at=timezone.now() + timedelta(days=1),
    )
    _pass_due_date(past_due)
    current = assignment_create(
        organisation=org,
        actor=trainer,
        course=course,
        team=team,
        due_at=timezone.now() + timedelta(days=7),
    )
    other = assignment_create(organisation=org, actor=trainer, course=course, team=other_team)
    newcomer = agent_other_team
    assert not AssignmentProgress.objects.filter(agent=newcomer, assignment=current).exists()

    newcomer.team = team
    newcomer.save()
    assert team_assignments_extend(agent=newcomer) == 2  # the current course's two items
    rows = AssignmentProgress.objects.filter(agent=newcomer)
    assert set(rows.values_list("assignment_id", flat=True)) == {current.pk, other.pk}
    assert not rows.filter(assignment=past_due).exists()
    # idempotent, and progress already made is kept
    rows.filter(assignment=current).update(status="done")
    assert team_assignments_extend(agent=newcomer) == 0
    assert rows.filter(assignment=current, status="done").count() == 2
    # trainers and inactive users get nothing
    assert team_assignments_extend(agent=trainer) == 0
    newcomer.is_active = False
    assert team_assignments_extend(agent=newcomer) == 0


def test_moving_an_agent_in_django_admin_hands_over_the_team_assignments(
    course, trainer, team, other_team, agent_other_team, org
):
    from django.test import Client

    assignment = assignment_create(organisation=org, actor=trainer, course=course, team=team)
    superuser = UserFactory(username="root", organisation=None, role="admin")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    moved = agent_other_team
    response = client.post(
        f"/admin/accounts/user/{moved.pk}/change/",
        {
            "username": moved.username,
            "is_active": "on",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "09:00:00",
            "organisation": org.pk,
            "team": team.pk,
            "role": "agent",
            "display_name": moved.display_name,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AssignmentProgress.objects.filter(assignment=assignment, agent=moved).count() == 2
    [summary] = agent_assignments(moved)
    assert summary["assignment"].pk == assignment.pk


def test_a_due_date_in_the_past_is_refused(course, trainer, team, login, api_client):
    with pytest.raises(DomainError) as refused:
        assignment_create(
            organisation=course.organisation,
            actor=trainer,
            course=course,
            team=team,
            due_at=timezone.now() - timedelta(days=1),
        )
    assert refused.value.field == "due_at"
    # the page: an error in place of the assign form (htmx), or a message (plain form)
    client = login(trainer)
    post = {"course": course.pk, "to": f"team:{team.pk}", "due": "2020-01-01"}
    response = client.post("/assignments/new/", post, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="assign-error"' in body
    assert 'id="course-assign"' in body and 'value="2020-01-01"' in body
    response = client.post("/assignments/new/", post, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    # a date that is not a date is refused too, not silently dropped
    response = client.post("/assignments/new/", {**post, "due": "next friday"}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    api_client.force_authenticate(trainer)
    response = api_client.post(
        "/api/v1/assignments/",
        {"course": course.pk, "team": team.pk, "due_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["field"] == "due_at"
    assert not course.assignments.exists()
    # today is fine: the form's date means the end of that day
    today = timezone.localdate().isoformat()
    response = client.post("/assignments/new/", {**post, "due": today})
    assert response.status_code == 302 and course.assignments.count() == 1


def test_the_same_course_cannot_be_assigned_twice_while_open(
    course, trainer, team, agent, login, api_client
):
    org = course.organisation
    due = timezone.now() + timedelta(days=7)
    first = assignment_create(organisation=org, actor=trainer, course=course, team=team, due_at=due)
    with pytest.raises(DomainError) as refused:
        assignment_create(organisation=org, actor=trainer, course=course, team=team, due_at=due)
    assert refused.value.field == "team" and refused.value.status_code == 409
    assert course.title in refused.value.message
    # an agent who has it through the team cannot get it a second time either
    with pytest.raises(DomainError) as refused:
        assignment_create(organisation=org, actor=trainer, course=course, agent=agent)
    assert refused.value.field == "agent"
    # through the page (htmx: the error shows in the assign form) and the API
    client = login(trainer)
    response = client.post(
        "/assignments/new/",
        {"course": course.pk, "to": f"team:{team.pk}", "due": "2099-01-01"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert (
        'data-testid="assign-error"' in body and body.count('data-testid="course-assignment"') == 1
    )
    api_client.force_authenticate(trainer)
    response = api_client.post(
        "/api/v1/assignments/", {"course": course.pk, "team": team.pk}, format="json"
    )
    assert response.status_code == 409 and "detail" in response.json()
    assert list(course.assignments.all()) == [first]
    # the agent's tasks and the trainer's desk list it once
    assert [r["assignment"].pk for r in agent_assignments(agent)] == [first.pk]
    desk = client.get("/dashboard/trainer/")
    assert [r["assignment"].pk for r in desk.context["assignments"]] == [first.pk]

    # once it is past due, or done by everyone, it can be assigned again
    first.due_at = timezone.now() - timedelta(days=1)
    first.save(update_fields=["due_at"])
    again = assignment_create(organisation=org, actor=trainer, course=course, team=team, due_at=due)
    AssignmentProgress.objects.filter(assignment=again).update(status="done")
    assert assignment_create(organisation=org, actor=trainer, course=course, team=team)
    # another team, or another agent, is not a duplicate
    assert assignment_create(
        organisation=org,
        actor=trainer,
        course=course,
        agent=UserFactory(username="loner", organisation=org, team=None),
    )


def test_a_success_in_the_assign_form_refreshes_the_assignments(course, trainer, team, login):
    response = login(trainer).post(
        "/assignments/new/",
        {"course": course.pk, "to": f"team:{team.pk}", "due": "2099-01-01"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="assign-notice"' in body
    assert body.count('data-testid="course-assignment"') == 1
    assert 'data-testid="assign-error"' not in body


def test_an_article_cannot_be_added_twice_to_a_course(course, trainer, login):
    article = Article.objects.get(organisation=course.organisation, slug="kb-cooling-off-period")
    with pytest.raises(DomainError) as refused:
        course_item_add(course=course, actor=trainer, kind="article", target_id=article.pk)
    assert refused.value.field == "target" and article.title in refused.value.message
    response = login(trainer).post(
        f"/courses/{course.pk}/items/", {"target": f"article:{article.pk}"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'class="form-errors"' in body
    assert course.items.filter(kind="article", article=article).count() == 1
    # the same article in another course is fine
    other = course_create(organisation=course.organisation, actor=trainer, title="另一门课")
    assert course_item_add(course=other, actor=trainer, kind="article", target_id=article.pk)
