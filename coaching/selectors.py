"""Reads for the role home pages and the dashboards. Each runs a fixed number of queries."""

from django.db.models import Count, Q

from accounts.models import Role, User
from accounts.selectors import scope, visible_agents, visible_teams
from cases.models import Case, Scenario
from knowledge.models import Article, Product
from practice.models import Conversation, Scorecard


def home_context(*, user: User) -> dict:
    if user.role == Role.AGENT:
        return _agent_home(user)
    if user.role == Role.TRAINER:
        return _trainer_home(user)
    if user.role == Role.MANAGER:
        return _manager_home(user)
    return {**_trainer_home(user), **_manager_home(user)}


def _agent_home(user: User) -> dict:
    scenarios = scope(Scenario.objects.filter(is_active=True), user).select_related("product")
    recent = (
        scope(Conversation.objects.filter(agent=user), user)
        .select_related("scenario")
        .prefetch_related("scorecards")
        .order_by("-started_at")[:8]
    )
    return {"scenarios": list(scenarios[:6]), "recent_conversations": list(recent)}


def _trainer_home(user: User) -> dict:
    counts = {
        "products": scope(Product.objects.all(), user).count(),
        "articles": scope(Article.objects.all(), user).count(),
        "cases": scope(Case.objects.all(), user).count(),
        "scenarios": scope(Scenario.objects.all(), user).count(),
    }
    review = scope(Scorecard.objects.filter(is_current=True), user).aggregate(
        needs_review=Count("id", filter=Q(status="needs_review")),
        failed=Count("id", filter=Q(status="failed")),
    )
    return {"content_counts": counts, "review_counts": review}


def _manager_home(user: User) -> dict:
    teams = visible_teams(user).annotate(
        agent_count=Count("members", filter=Q(members__role=Role.AGENT, members__is_active=True))
    )
    agents = visible_agents(user).annotate(
        sessions=Count("conversations", filter=Q(conversations__kind="practice"))
    )
    return {"teams": list(teams), "agents": list(agents)}
