"""The scoping layer: every read of tenant data goes through these helpers.

Objects of another organisation are simply not in the queryset, so looking one up answers 404,
never 403: the caller learns nothing about data it may not see.
"""

from typing import TypeVar

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent, Role, Team, User

M = TypeVar("M", bound=Model)


def scope(queryset: QuerySet[M], user: User, *, field: str = "organisation") -> QuerySet[M]:
    """Restrict ``queryset`` to the organisation of ``user`` (nothing for users without one)."""
    if not user.is_authenticated or user.organisation_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}_id": user.organisation_id})


def scoped_get(queryset: QuerySet[M], user: User, *, field: str = "organisation", **lookup) -> M:
    """One object of the caller's organisation, or ``Http404``."""
    try:
        return scope(queryset, user, field=field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def visible_agents(user: User) -> QuerySet[User]:
    """The agents whose work ``user`` may see: itself, its managed teams, or the whole org."""
    agents = scope(User.objects.filter(role=Role.AGENT, is_active=True), user).select_related(
        "team"
    )
    if user.role in (Role.TRAINER, Role.ADMIN):
        return agents
    if user.role == Role.MANAGER:
        return agents.filter(team__managers=user).distinct()
    return agents.filter(pk=user.pk)


def visible_teams(user: User) -> QuerySet[Team]:
    teams = scope(Team.objects.all(), user)
    if user.role in (Role.TRAINER, Role.ADMIN):
        return teams
    if user.role == Role.MANAGER:
        return teams.filter(managers=user)
    return teams.filter(pk=user.team_id) if user.team_id else teams.none()


def agent_for_user(user: User, agent_id: int) -> User:
    """An agent the caller may see, or 404 (another team's agent is as invisible as another org's)."""
    return scoped_get(visible_agents(user), user, pk=agent_id)


def org_or_builtin(queryset: QuerySet[M], user: User) -> QuerySet[M]:
    """Rows of the caller's organisation plus the built-in rows shared by all (organisation NULL)."""
    if not user.is_authenticated or user.organisation_id is None:
        return queryset.none()
    return queryset.filter(Q(organisation_id=user.organisation_id) | Q(organisation__isnull=True))


def trainer_overview(*, user: User) -> dict:
    """The figures of the trainer/admin home, each counted exactly as the page it links to
    lists it: active products, articles, cases, full practice scenarios (micro-drills are listed
    apart) and the scorecards in the review queue."""
    # Imported here: these apps' selectors import this module.
    from cases.selectors import case_list, scenario_list
    from knowledge.selectors import article_list, product_list
    from practice.review import QUEUE_STATUSES, review_counts

    by_status = review_counts(user=user)
    review = {str(status): by_status.get(status, 0) for status in QUEUE_STATUSES}
    return {
        "content_counts": {
            "products": product_list(user=user).count(),
            "articles": article_list(user=user).count(),
            "cases": case_list(user=user).count(),
            "scenarios": scenario_list(user=user, include_inactive=user.is_trainer).count(),
        },
        "review_counts": {**review, "queue": sum(review.values())},
    }


# --- The audit log ----------------------------------------------------------------------------
# Labels of the actions the services record; an unknown action shows its code.
AUDIT_ACTION_LABELS = {
    "user.role_changed": _("Role changed"),
    "content.imported": _("Content imported"),
    "product.created": _("Product created"),
    "product.updated": _("Product updated"),
    "article.created": _("Article created"),
    "article.updated": _("Article updated"),
    "rule.created": _("Compliance rule created"),
    "rule.updated": _("Compliance rule updated"),
    "case.created": _("Case created"),
    "case.updated": _("Case updated"),
    "case.annotation_added": _("Case annotation added"),
    "case.annotation_removed": _("Case annotation removed"),
    "scenario.created": _("Scenario created"),
    "scenario.updated": _("Scenario updated"),
    "scenario.activated": _("Scenario activated"),
    "scenario.archived": _("Scenario archived"),
    "call.import": _("Call imported"),
    "review.criterion_confirm": _("Criterion score confirmed"),
    "review.criterion_adjust": _("Criterion score adjusted"),
    "review.finding_confirm": _("Finding confirmed"),
    "review.finding_reject": _("Finding rejected"),
    "review.finding_add": _("Finding added"),
    "review.complete": _("Review completed"),
    "course.created": _("Course created"),
    "course.updated": _("Course updated"),
    "assignment.created": _("Course or drill assigned"),
    "dashboard.exported": _("Dashboard exported"),
}

# Names of the kinds of object an event is about (``AuditEvent.target_type``).
AUDIT_TARGET_LABELS = {
    "accounts.organisation": _("Organisation"),
    "accounts.user": _("User"),
    "knowledge.product": _("Product"),
    "knowledge.article": _("Article"),
    "knowledge.compliancerule": _("Compliance rule"),
    "cases.case": _("Case"),
    "cases.scenario": _("Scenario"),
    "practice.conversation": _("Conversation"),
    "practice.scorecard": _("Scorecard"),
    "coaching.course": _("Course"),
    "coaching.assignment": _("Assignment"),
    "dashboard": _("Dashboard"),
}


def _target_label(target_type: str):
    label = AUDIT_TARGET_LABELS.get(target_type)
    if label is not None:
        return label
    try:
        return apps.get_model(target_type)._meta.verbose_name
    except (LookupError, ValueError):
        return target_type


def audit_log(*, user: User, limit: int = 200) -> list[dict]:
    """The newest audit events of the caller's organisation, with display labels and the
    reason a reviewer gave (review actions keep it in the item's ``after`` state)."""
    events = scope(AuditEvent.objects.select_related("actor"), user)[:limit]
    rows = []
    for event in events:
        after = event.after if isinstance(event.after, dict) else {}
        rows.append(
            {
                "event": event,
                "action_label": AUDIT_ACTION_LABELS.get(event.action, event.action),
                "target_label": _target_label(event.target_type),
                "reason": str(after.get("comment") or "").strip(),
            }
        )
    return rows
