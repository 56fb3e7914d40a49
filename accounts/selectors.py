"""The scoping layer: every read of tenant data goes through these helpers.

Objects of another organisation are simply not in the queryset, so looking one up answers 404,
never 403: the caller learns nothing about data it may not see.
"""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from accounts.models import Role, Team, User

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
