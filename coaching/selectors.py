"""Reads for the role home pages, the dashboards, courses and the coaching API.

Every function runs a fixed number of queries whatever the number of agents and scorecards:
the dashboards read the materialised profiles, weaknesses and weekly roll-ups.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, Team, User
from accounts.selectors import scope, scoped_get, visible_agents, visible_teams
from cases.models import Case, Scenario
from coaching.history import SCORED_STATUSES, week_of
from coaching.models import (
    AgentWeek,
    Assignment,
    AssignmentProgress,
    Course,
    CourseItem,
    Drill,
    DrillEffect,
    MetricKind,
    ProfileKind,
    ProgressStatus,
    SkillProfile,
    TeamWeekMetric,
    Weakness,
    WeaknessKind,
    WeaknessStatus,
)
from knowledge.models import Article, Checkpoint, ComplianceRule, Skill
from knowledge.vocabulary import SKILL_CODES
from practice.models import Conversation, ConversationKind, Scorecard

DIFFICULTY_RANK = {"easy": 2, "medium": 1, "": 1, "hard": 0}
DEFAULT_WEEKS = 12


def ui_language() -> str:
    """The content language matching the page language (zh-hans → zh)."""
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def kind_label(kind: str) -> str:
    return str(dict(WeaknessKind.choices).get(kind, kind))


# --- Names --------------------------------------------------------------------------------
def vocabulary_names(organisation_id: int | None) -> dict[str, dict[str, str]]:
    """Display names of skills, checkpoints and rules in the active language (three queries)."""
    # Built-in rules first (NULLs sort last on PostgreSQL), so the organisation's own wins.
    rules = ComplianceRule.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True)
    ).order_by(F("organisation_id").asc(nulls_first=True), "id")
    return {
        "skill": {s.code: s.name for s in Skill.objects.all()},
        "checkpoint": {c.code: c.name for c in Checkpoint.objects.all()},
        "rule": {r.code: r.title for r in rules},
        "severity": {r.code: r.severity for r in rules},
    }


def conversation_url(kind: str, pk: int) -> str:
    name = "practice:session" if kind == ConversationKind.PRACTICE else "practice:call"
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return reverse("coaching:conversation", args=[pk])


# --- Drills and recommendations -----------------------------------------------------------
def drills_for(organisation_id: int) -> list[Drill]:
    return list(
        Drill.objects.filter(organisation_id=organisation_id).select_related(
            "scenario", "case", "article"
        )
    )


def drill_effects(organisation_id: int) -> dict[tuple[int, str, str], DrillEffect]:
    return {
        (e.drill_id, e.kind, e.code): e
        for e in DrillEffect.objects.filter(organisation_id=organisation_id)
    }


def drill_fit(drill: Drill, *, kind: str, code: str, language: str | None) -> tuple:
    """How well a drill fits a weakness: target match (a drill aimed at this one code first),
    the agent's language, then easier drills first. Higher is better; (0, …) = no match."""
    targets = drill.targets(kind)
    if code not in targets:
        return (0, 0, 0)
    match = 2 if len(targets) == 1 else 1
    same_language = 1 if language is None or drill.language == language else 0
    return (match, same_language, DIFFICULTY_RANK.get(drill.difficulty, 1))


def drills_recommended(
    *,
    kind: str,
    code: str,
    drills: list[Drill],
    effects: dict,
    language: str | None,
    min_agents: int = 2,
    limit: int = 3,
) -> list[dict]:
    """Drills for one weakness, ranked by fit, then by the measured change they brought other
    agents with the same weakness (only once ``min_agents`` agents are behind the figure).

    Only drills in ``language`` when there is any for this weakness: an agent practising in
    Chinese is not sent to the English twin of a drill. Other languages are the fallback when
    nothing in that language targets it."""
    fitting = [d for d in drills if drill_fit(d, kind=kind, code=code, language=None)[0]]
    if language is not None and any(d.language == language for d in fitting):
        fitting = [d for d in fitting if d.language == language]
    ranked = []
    for drill in fitting:
        fit = drill_fit(drill, kind=kind, code=code, language=language)
        effect = effects.get((drill.pk, kind, code))
        measured = effect.mean_change if effect and effect.agents >= min_agents else None
        ranked.append(
            {
                "drill": drill,
                "fit": fit,
                "effect": measured,
                "effect_agents": effect.agents if effect else 0,
            }
        )
    ranked.sort(
        key=lambda r: (
            r["fit"],
            r["effect"] if r["effect"] is not None else float("-inf"),
            -r["drill"].minutes,
            -r["drill"].pk,
        ),
        reverse=True,
    )
    return ranked[:limit]


def drill_action(drill: Drill) -> dict:
    """How an agent starts a drill: POST to practice:start, or open the case or article."""
    if drill.scenario_id:
        return {"method": "post", "url": reverse("practice:start", args=[drill.scenario.code])}
    target = drill.case if drill.case_id else drill.article
    return {"method": "get", "url": target.get_absolute_url() if target else "#"}


# --- Agent ---------------------------------------------------------------------------------
def _assignment_rows(progress: list[AssignmentProgress], now) -> list[dict]:
    grouped: dict[int, dict] = {}
    for row in progress:
        assignment = row.assignment
        entry = grouped.setdefault(
            assignment.pk,
            {"assignment": assignment, "total": 0, "done": 0, "agents": set(), "late": set()},
        )
        entry["total"] += 1
        entry["agents"].add(row.agent_id)
        if row.status == ProgressStatus.DONE:
            entry["done"] += 1
        elif assignment.due_at and assignment.due_at < now:
            entry["late"].add(row.agent_id)
    rows = []
    for entry in grouped.values():
        assignment = entry["assignment"]
        complete = entry["done"] == entry["total"]
        rows.append(
            {
                "assignment": assignment,
                "title": assignment.title,
                "url": assignment.course.get_absolute_url()
                if assignment.course_id
                else reverse("coaching:drill", args=[assignment.drill_id]),
                "due_at": assignment.due_at,
                "done": entry["done"],
                "total": entry["total"],
                "percent": round(100 * entry["done"] / entry["total"]) if entry["total"] else 0,
                "complete": complete,
                "overdue": bool(entry["late"]),
                "late_agents": len(entry["late"]),
                "agents": len(entry["agents"]),
            }
        )
    rows.sort(key=lambda r: (r["complete"], r["due_at"] is None, r["due_at"] or now))
    return rows


def agent_assignments(agent: User) -> list[dict]:
    progress = list(
        AssignmentProgress.objects.filter(agent=agent).select_related(
            "assignment__course", "assignment__drill"
        )
    )
    return _assignment_rows(progress, timezone.now())


def agent_language(agent: User) -> str | None:
    languages = Counter(
        Conversation.objects.filter(agent=agent)
        .order_by("-started_at")
        .values_list("language", flat=True)[:10]
    )
    return languages.most_common(1)[0][0] if languages else None


def drill_language(agent: User) -> str:
    """The language to recommend drills in: the one the agent practises in, else the page's."""
    return agent_language(agent) or ui_language()


def trend_mark(trend: float | None) -> dict | None:
    """A trend as shown (one decimal) with its direction; a change that rounds to zero is
    flat, never a green "▲ +0.0"."""
    if trend is None:
        return None
    shown = round(trend, 1)
    direction = "up" if shown > 0 else "down" if shown < 0 else "flat"
    return {"value": abs(shown), "direction": direction}


def agent_overview(*, agent: User) -> dict:
    """Everything about one agent's training: the agent's home and the manager's agent page."""
    names = vocabulary_names(agent.organisation_id)
    profiles = defaultdict(dict)
    for row in SkillProfile.objects.filter(agent=agent):
        profiles[row.skill][row.kind] = row
    skills = [
        {
            "code": code,
            "name": names["skill"].get(code, code),
            "all": profiles[code].get(ProfileKind.ALL),
            "practice": profiles[code].get(ProfileKind.PRACTICE),
            "call": profiles[code].get(ProfileKind.CALL),
            "trend": trend_mark(getattr(profiles[code].get(ProfileKind.ALL), "trend", None)),
        }
        for code in SKILL_CODES
    ]
    scored = [s for s in skills if s["all"] is not None and s["all"].score is not None]
    radar = (
        {
            "tooltip": {},
            "radar": {
                "indicator": [{"name": s["name"], "max": 100} for s in skills],
                "radius": "62%",
            },
            "series": [
                {
                    "type": "radar",
                    "areaStyle": {"opacity": 0.2},
                    "data": [
                        {
                            "name": _("Skill profile"),
                            "value": [
                                s["all"].score if s["all"] and s["all"].score is not None else 0
                                for s in skills
                            ],
                        }
                    ],
                }
            ],
        }
        if scored
        else None
    )
    since = week_of(timezone.now()) - timedelta(weeks=DEFAULT_WEEKS - 1)
    weekly = list(
        AgentWeek.objects.filter(agent=agent, week__gte=since, scored__gt=0)
        .order_by("week")
        .values_list("week", "overall_sum", "scored")
    )
    trend_chart = (
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 40, "right": 16, "top": 24, "bottom": 30},
            "xAxis": {"type": "category", "data": [w.strftime("%m-%d") for w, _s, _n in weekly]},
            "yAxis": {"type": "value", "min": 0, "max": 100},
            "series": [
                {
                    "type": "line",
                    "name": _("Average score"),
                    "smooth": True,
                    "data": [round(s / n, 1) for _w, s, n in weekly],
                }
            ],
        }
        if weekly
        else None
    )
    recent = list(
        Scorecard.objects.filter(
            conversation__agent=agent, is_current=True, status__in=SCORED_STATUSES
        )
        .select_related("conversation__scenario")
        .order_by("-scored_at", "-id")[:8]
    )
    for scorecard in recent:
        scorecard.url = conversation_url(scorecard.conversation.kind, scorecard.conversation_id)
    language = agent_language(agent)
    drills = drills_for(agent.organisation_id)
    effects = drill_effects(agent.organisation_id)
    drill_lang = language or ui_language()
    weaknesses = []
    recommended: dict[int, dict] = {}
    for weakness in Weakness.objects.filter(agent=agent, status=WeaknessStatus.OPEN).order_by(
        "-opened_at"
    ):
        ranked = drills_recommended(
            kind=weakness.kind,
            code=weakness.code,
            drills=drills,
            effects=effects,
            language=drill_lang,
        )
        for item in ranked:
            item["action"] = drill_action(item["drill"])
            recommended.setdefault(item["drill"].pk, {**item, "for": weakness})
        weaknesses.append(
            {
                "weakness": weakness,
                "name": names.get(weakness.kind, {}).get(weakness.code, weakness.code),
                "drills": ranked,
                "evidence": [
                    {**e, "url": reverse("coaching:conversation", args=[e["conversation"]])}
                    for e in (weakness.evidence or [])[-3:]
                ],
            }
        )
    return {
        "agent": agent,
        "skills": skills,
        "radar": radar,
        "trend_chart": trend_chart,
        "recent_scorecards": recent,
        "weaknesses": weaknesses,
        "recommended": list(recommended.values())[:6],
        "assignments": agent_assignments(agent),
        "language": language,
        "now": timezone.now(),
    }


def agent_skills(*, agent: User) -> list[dict]:
    rows = {r.skill: r for r in SkillProfile.objects.filter(agent=agent, kind=ProfileKind.ALL)}
    return [
        {
            "code": code,
            "score": rows[code].score if code in rows else None,
            "trend": rows[code].trend if code in rows else None,
            "n": rows[code].n if code in rows else 0,
        }
        for code in SKILL_CODES
    ]


def agent_weaknesses(*, agent: User) -> list[dict]:
    language = drill_language(agent)
    drills = drills_for(agent.organisation_id)
    effects = drill_effects(agent.organisation_id)
    results = []
    for weakness in Weakness.objects.filter(agent=agent, status=WeaknessStatus.OPEN).order_by(
        "-opened_at"
    ):
        ranked = drills_recommended(
            kind=weakness.kind,
            code=weakness.code,
            drills=drills,
            effects=effects,
            language=language,
        )
        results.append({"weakness": weakness, "drills": ranked})
    return results


# --- Role home pages ----------------------------------------------------------------------
def home_context(*, user: User) -> dict:
    if user.role == Role.AGENT:
        return _agent_home(user)
    if user.role == Role.TRAINER:
        return _trainer_home(user)
    if user.role == Role.MANAGER:
        return _manager_home(user)
    return {**_trainer_home(user), **_manager_home(user)}


def _agent_home(user: User) -> dict:
    scenarios = (
        scope(Scenario.objects.filter(is_active=True), user)
        .exclude(code__startswith="micro-")
        .select_related("product")
    )
    overview = agent_overview(agent=user)
    language = overview["language"] or ui_language()
    ordered = sorted(scenarios[:40], key=lambda s: (s.language != language, s.difficulty != "easy"))
    return {**overview, "scenarios": ordered[:6]}


def _trainer_home(user: User) -> dict:
    # The figures link to the catalogue pages and the review queue, and count what they list.
    from accounts.selectors import trainer_overview

    return trainer_overview(user=user)


def _manager_home(user: User) -> dict:
    teams = visible_teams(user).annotate(
        agent_count=Count("members", filter=Q(members__role=Role.AGENT, members__is_active=True))
    )
    return {"teams": list(teams), "summary": dashboard_summary(user=user)}


def dashboard_summary(*, user: User) -> dict:
    """The headline figures of the team dashboard for the manager's home page."""
    agents = visible_agents(user).values("pk")
    since = week_of(timezone.now()) - timedelta(weeks=DEFAULT_WEEKS - 1)
    totals = AgentWeek.objects.filter(agent_id__in=agents, week__gte=since).aggregate(
        started=Sum("started"),
        passed=Sum("passed"),
        scored=Sum("scored"),
        overall=Sum("overall_sum"),
        serious=Sum("serious"),
    )
    open_weaknesses = Weakness.objects.filter(
        agent_id__in=agents, status=WeaknessStatus.OPEN
    ).count()
    scored = totals["scored"] or 0
    return {
        "started": totals["started"] or 0,
        "passed": totals["passed"] or 0,
        "average": round(totals["overall"] / scored, 1) if scored else None,
        "serious": totals["serious"] or 0,
        "open_weaknesses": open_weaknesses,
    }


# --- Manager dashboard --------------------------------------------------------------------
def _heat_style(value: float | None) -> str:
    if value is None:
        return ""
    # red (low) → amber → green (high), as a background the text stays readable on
    hue = max(0, min(120, (value - 40) * 2))
    return f"background:hsl({hue:.0f},70%,86%)"


def manager_dashboard(*, user: User, weeks: int = DEFAULT_WEEKS) -> dict:
    """The team dashboard: heatmap, trends, compliance, checkpoints, funnel, courses and
    recurring weaknesses, for the agents ``user`` may see."""
    organisation_id = user.organisation_id
    names = vocabulary_names(organisation_id)
    now = timezone.now()
    since = week_of(now) - timedelta(weeks=weeks - 1)
    agent_ids = visible_agents(user).values("pk")
    teams = list(visible_teams(user).order_by("name"))
    team_names = {t.pk: t.name for t in teams}
    whole_org = user.role in (Role.ADMIN, Role.TRAINER)
    team_metrics = TeamWeekMetric.objects.filter(organisation_id=organisation_id, week__gte=since)
    if not whole_org:
        team_metrics = team_metrics.filter(team_id__in=[t.pk for t in teams])
    agent_weeks = AgentWeek.objects.filter(
        organisation_id=organisation_id, week__gte=since, agent_id__in=agent_ids
    )

    # Team × skill heatmap: the mean skill score of the team's conversations in the period
    cells = defaultdict(dict)
    for team_id, skill, total, n in (
        team_metrics.filter(metric=MetricKind.SKILL)
        .values_list("team_id", "code")
        .annotate(total=Sum("total"), n=Sum("n"))
        .order_by()
    ):
        if n:
            cells[team_id][skill] = (round(total / n, 1), n)
    heat_teams = [(t.pk, t.name) for t in teams if t.pk in cells]
    if None in cells:
        heat_teams.append((None, _("No team")))
    heatmap = {
        "skills": [(code, names["skill"].get(code, code)) for code in SKILL_CODES],
        "rows": [
            {
                "team_id": team_id,
                "team": name,
                "cells": [
                    {
                        "skill": code,
                        "value": cells[team_id].get(code, (None, 0))[0],
                        "n": cells[team_id].get(code, (None, 0))[1],
                        "style": _heat_style(cells[team_id].get(code, (None, 0))[0]),
                    }
                    for code in SKILL_CODES
                ],
            }
            for team_id, name in heat_teams
        ],
    }

    # Weekly skill trends, checkpoint reach rates, findings per rule
    weekly_skill = defaultdict(dict)
    checkpoint_rates = {}
    rule_counts = {}
    for metric, code, week, total, n in (
        team_metrics.values_list("metric", "code", "week")
        .annotate(total=Sum("total"), n=Sum("n"))
        .order_by("week")
    ):
        if metric == MetricKind.SKILL and n:
            weekly_skill[week][code] = round(total / n, 1)
        elif metric == MetricKind.CHECKPOINT:
            reached, seen = checkpoint_rates.get(code, (0.0, 0))
            checkpoint_rates[code] = (reached + total, seen + n)
        elif metric == MetricKind.RULE:
            count, convs = rule_counts.get(code, (0, 0))
            rule_counts[code] = (count + total, convs + n)
    skill_weeks = sorted(weekly_skill)
    skills_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 56, "bottom": 30},
        "xAxis": {"type": "category", "data": [w.strftime("%m-%d") for w in skill_weeks]},
        "yAxis": {"type": "value", "min": 0, "max": 100},
        "series": [
            {
                "type": "line",
                "name": names["skill"].get(code, code),
                "smooth": True,
                "connectNulls": True,
                "data": [weekly_skill[w].get(code) for w in skill_weeks],
            }
            for code in SKILL_CODES
        ],
    }
    skills_weekly_rows = [
        [w.isoformat()] + [weekly_skill[w].get(code) for code in SKILL_CODES] for w in skill_weeks
    ]
    checkpoints = [
        {
            "code": c.code,
            "name": names["checkpoint"].get(c.code, c.code),
            "rate": round(100 * checkpoint_rates[c.code][0] / checkpoint_rates[c.code][1], 1)
            if checkpoint_rates.get(c.code, (0, 0))[1]
            else None,
            "n": checkpoint_rates.get(c.code, (0, 0))[1],
        }
        for c in Checkpoint.objects.all()
    ]
    rules = sorted(
        (
            {
                "code": code,
                "name": names["rule"].get(code, code),
                "severity": names["severity"].get(code, "general"),
                "count": int(count),
                "conversations": convs,
            }
            for code, (count, convs) in rule_counts.items()
        ),
        key=lambda r: (r["severity"] != "serious", -r["count"]),
    )

    # Compliance findings over time and per agent; the practice funnel
    weekly_findings = list(
        agent_weeks.values_list("week")
        .annotate(serious=Sum("serious"), general=Sum("general"))
        .order_by("week")
    )
    findings_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
        "xAxis": {
            "type": "category",
            "data": [w.strftime("%m-%d") for w, _s, _g in weekly_findings],
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "color": ["#c0392b", "#d68910"],
        "series": [
            {
                "type": "bar",
                "stack": "f",
                "barMaxWidth": 36,
                "name": _("Serious"),
                "data": [s for _w, s, _g in weekly_findings],
            },
            {
                "type": "bar",
                "stack": "f",
                "barMaxWidth": 36,
                "name": _("General"),
                "data": [g for _w, _s, g in weekly_findings],
            },
        ],
    }
    people = {
        pk: (name, team)
        for pk, name, username, team in visible_agents(user).values_list(
            "pk", "display_name", "username", "team__name"
        )
        for name in [name or username]
    }
    open_by_agent = dict(
        Weakness.objects.filter(agent_id__in=agent_ids, status=WeaknessStatus.OPEN)
        .values_list("agent_id")
        .annotate(n=Count("id"))
    )
    per_agent = []
    funnel = {"started": 0, "finished": 0, "passed": 0}
    for (
        agent_id,
        started,
        finished,
        passed,
        scored,
        overall,
        serious,
        general,
    ) in agent_weeks.values_list("agent_id").annotate(
        Sum("started"),
        Sum("finished"),
        Sum("passed"),
        Sum("scored"),
        Sum("overall_sum"),
        Sum("serious"),
        Sum("general"),
    ):
        funnel["started"] += started or 0
        funnel["finished"] += finished or 0
        funnel["passed"] += passed or 0
        name, team = people.get(agent_id, ("?", None))
        per_agent.append(
            {
                "agent_id": agent_id,
                "name": name,
                "team": team or "",
                "scored": scored or 0,
                "average": round(overall / scored, 1) if scored else None,
                "serious": serious or 0,
                "general": general or 0,
                "open": open_by_agent.get(agent_id, 0),
            }
        )
    per_agent.sort(key=lambda r: (-r["serious"], -r["general"], -r["open"], r["name"]))
    funnel_steps = [
        {"label": _("Sessions started"), "value": funnel["started"]},
        {"label": _("Finished"), "value": funnel["finished"]},
        {"label": _("Passed"), "value": funnel["passed"]},
    ]
    top = funnel["started"] or 1
    for step in funnel_steps:
        step["percent"] = round(100 * step["value"] / top)

    # Courses: completion and overdue
    progress = (
        AssignmentProgress.objects.filter(
            assignment__organisation_id=organisation_id, agent_id__in=agent_ids
        )
        .values_list("assignment_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=ProgressStatus.DONE)),
            agents=Count("agent", distinct=True),
            late=Count(
                "agent",
                distinct=True,
                filter=Q(status=ProgressStatus.TO_DO, assignment__due_at__lt=now),
            ),
        )
    )
    progress = {row[0]: row[1:] for row in progress}
    assignments = Assignment.objects.filter(pk__in=list(progress)).select_related(
        "course", "drill", "team", "agent"
    )
    courses = []
    for assignment in sorted(assignments, key=lambda a: (a.due_at is None, a.due_at or now)):
        total, done, agents, late = progress[assignment.pk]
        courses.append(
            {
                "assignment": assignment,
                "title": assignment.title,
                "to": assignment.team.name if assignment.team_id else assignment.agent.name,
                "due_at": assignment.due_at,
                "percent": round(100 * done / total) if total else 0,
                "agents": agents,
                "late": late,
                "url": reverse("coaching:assignment", args=[assignment.pk]),
            }
        )

    # Recurring weaknesses with their drills
    language = ui_language()
    drills = drills_for(organisation_id)
    effects = drill_effects(organisation_id)
    recurring = []
    for kind, code, agents in (
        Weakness.objects.filter(agent_id__in=agent_ids, status=WeaknessStatus.OPEN)
        .values_list("kind", "code")
        .annotate(n=Count("agent", distinct=True))
        .order_by("-n", "kind", "code")[:15]
    ):
        recurring.append(
            {
                "kind": kind,
                "code": code,
                "name": names.get(kind, {}).get(code, code),
                "agents": agents,
                "kind_label": kind_label(kind),
                "drills": drills_recommended(
                    kind=kind, code=code, drills=drills, effects=effects, language=language
                ),
                "url": reverse("coaching:agents") + f"?kind={kind}&code={code}",
            }
        )

    tables = {
        "heatmap": (
            [_("Team")] + [name for _c, name in heatmap["skills"]],
            [[row["team"]] + [c["value"] for c in row["cells"]] for row in heatmap["rows"]],
        ),
        "skills_weekly": (
            [_("Week")] + [names["skill"].get(c, c) for c in SKILL_CODES],
            skills_weekly_rows,
        ),
        "compliance_weekly": (
            [_("Week"), _("Serious"), _("General")],
            [[w.isoformat(), s, g] for w, s, g in weekly_findings],
        ),
        "compliance_agents": (
            [
                _("Agent"),
                _("Team"),
                _("Scored conversations"),
                _("Average score"),
                _("Serious"),
                _("General"),
                _("Open weaknesses"),
            ],
            [
                [
                    r["name"],
                    r["team"],
                    r["scored"],
                    r["average"],
                    r["serious"],
                    r["general"],
                    r["open"],
                ]
                for r in per_agent
            ],
        ),
        "rules": (
            [_("Rule"), _("Severity"), _("Findings"), _("Conversations")],
            [[r["code"], r["severity"], r["count"], r["conversations"]] for r in rules],
        ),
        "checkpoints": (
            [_("Checkpoint"), _("Reach rate %"), _("Conversations")],
            [[c["code"], c["rate"], c["n"]] for c in checkpoints],
        ),
        "funnel": ([_("Step"), _("Count")], [[s["label"], s["value"]] for s in funnel_steps]),
        "courses": (
            [
                _("Assignment"),
                _("Assigned to"),
                _("Due"),
                _("Completion %"),
                _("Agents"),
                _("Overdue"),
            ],
            [
                [
                    c["title"],
                    c["to"],
                    c["due_at"].isoformat() if c["due_at"] else "",
                    c["percent"],
                    c["agents"],
                    c["late"],
                ]
                for c in courses
            ],
        ),
        "weaknesses": (
            [_("Kind"), _("Code"), _("Agents"), _("Recommended drills")],
            [
                [
                    w["kind"],
                    w["code"],
                    w["agents"],
                    " | ".join(d["drill"].title for d in w["drills"]),
                ]
                for w in recurring
            ],
        ),
    }
    return {
        "weeks": weeks,
        "since": since,
        "teams": teams,
        "heatmap": heatmap,
        "skills_chart": skills_chart if skill_weeks else None,
        "findings_chart": findings_chart if weekly_findings else None,
        "checkpoints": checkpoints,
        "rules": rules,
        "per_agent": per_agent[:25],
        "per_agent_total": len(per_agent),
        "funnel": funnel_steps,
        "courses": courses,
        "recurring": recurring,
        "tables": tables,
        "team_names": team_names,
    }


def agents_filtered(
    *,
    user: User,
    team: int | None = None,
    skill: str | None = None,
    kind: str | None = None,
    code: str | None = None,
    limit: int = 200,
) -> list[dict]:
    """The agents behind a figure: of a team, with their score on a skill, or with an open
    weakness — each linking to the agent's page."""
    agents = visible_agents(user)
    if team:
        agents = agents.filter(team_id=team)
    rows = {a.pk: {"agent": a, "score": None, "n": 0, "weakness": None} for a in agents[:2000]}
    if skill:
        for profile in SkillProfile.objects.filter(
            agent_id__in=list(rows), kind=ProfileKind.ALL, skill=skill
        ):
            rows[profile.agent_id]["score"] = profile.score
            rows[profile.agent_id]["n"] = profile.n
    if kind and code:
        open_rows = Weakness.objects.filter(
            agent_id__in=list(rows), kind=kind, code=code, status=WeaknessStatus.OPEN
        )
        found = {w.agent_id: w for w in open_rows}
        rows = {pk: {**r, "weakness": found[pk]} for pk, r in rows.items() if pk in found}
    result = list(rows.values())
    if skill:
        result.sort(key=lambda r: (r["score"] is None, r["score"] or 0))
    return result[:limit]


def agent_conversations(*, agent: User, limit: int = 50) -> list[dict]:
    scorecards = (
        Scorecard.objects.filter(
            conversation__agent=agent, is_current=True, status__in=SCORED_STATUSES
        )
        .select_related("conversation__scenario")
        .annotate(
            serious=Count(
                "findings",
                filter=Q(findings__severity="serious") & ~Q(findings__review_status="rejected"),
            ),
            general=Count(
                "findings",
                filter=Q(findings__severity="general") & ~Q(findings__review_status="rejected"),
            ),
        )
        .order_by("-scored_at", "-id")[:limit]
    )
    return [
        {
            "scorecard": s,
            "conversation": s.conversation,
            "url": conversation_url(s.conversation.kind, s.conversation_id),
        }
        for s in scorecards
    ]


# --- Trainer desk -------------------------------------------------------------------------
def trainer_desk(*, user: User) -> dict:
    organisation_id = user.organisation_id
    names = vocabulary_names(organisation_id)
    from accounts.selectors import trainer_overview

    review = trainer_overview(user=user)["review_counts"]
    progress = AssignmentProgress.objects.filter(
        assignment__organisation_id=organisation_id
    ).select_related(
        "assignment__course", "assignment__drill", "assignment__team", "assignment__agent"
    )
    assignments = _assignment_rows(list(progress), timezone.now())
    targeted = {"skill": set(), "rule": set(), "checkpoint": set()}
    drill_count = 0
    for skills, rules, checkpoints in Drill.objects.filter(
        organisation_id=organisation_id
    ).values_list("target_skills", "target_rules", "target_checkpoints"):
        drill_count += 1
        targeted["skill"].update(skills or [])
        targeted["rule"].update(rules or [])
        targeted["checkpoint"].update(checkpoints or [])
    open_codes = (
        Weakness.objects.filter(organisation_id=organisation_id, status=WeaknessStatus.OPEN)
        .values_list("kind", "code")
        .annotate(n=Count("agent", distinct=True))
        .order_by("-n")
    )
    gaps, covered = [], []
    for kind, code, n in open_codes:
        entry = {
            "kind": kind,
            "kind_label": kind_label(kind),
            "code": code,
            "name": names.get(kind, {}).get(code, code),
            "agents": n,
            "url": reverse("coaching:agents") + f"?kind={kind}&code={code}",
        }
        (covered if code in targeted.get(kind, set()) else gaps).append(entry)
    courses = Course.objects.filter(organisation_id=organisation_id).annotate(
        item_count=Count("items", distinct=True)
    )[:10]
    return {
        "review_counts": review,
        "assignments": assignments[:30],
        "gaps": gaps,
        "covered": covered[:10],
        "drill_count": drill_count,
        "courses": list(courses),
    }


# --- Courses ------------------------------------------------------------------------------
def courses_for(*, user: User) -> dict:
    if user.role in (Role.TRAINER, Role.ADMIN, Role.MANAGER):
        courses = (
            scope(Course.objects.all(), user)
            .annotate(
                item_count=Count("items", distinct=True),
                assignment_count=Count("assignments", distinct=True),
            )
            .select_related("created_by")
        )
        return {"courses": list(courses), "assigned": []}
    rows = [r for r in agent_assignments(user) if r["assignment"].course_id]
    return {"courses": [], "assigned": rows}


def course_get(*, user: User, pk: int) -> Course:
    """A course of the caller's organisation; an agent only sees courses assigned to it."""
    courses = scope(Course.objects.all(), user)
    if user.role == Role.AGENT:
        courses = courses.filter(assignments__progress__agent=user).distinct()
    return scoped_get(courses, user, pk=pk)


def course_items(course: Course) -> list[CourseItem]:
    return list(course.items.select_related("article", "case", "scenario").order_by("order", "id"))


def course_page(*, user: User, course: Course) -> dict:
    items = course_items(course)
    mine = {}
    if user.role == Role.AGENT:
        for row in AssignmentProgress.objects.filter(
            agent=user, item__course=course
        ).select_related("assignment"):
            current = mine.get(row.item_id)
            if current is None or row.status == ProgressStatus.DONE:
                mine[row.item_id] = row
    rows = []
    for item in items:
        row = mine.get(item.pk)
        target = item.target
        rows.append(
            {
                "item": item,
                "title": item.title,
                "url": target.get_absolute_url() if target is not None else "#",
                "start_url": reverse("practice:start", args=[item.scenario.code])
                if item.scenario_id
                else None,
                "progress": row,
                "done": row is not None and row.status == ProgressStatus.DONE,
            }
        )
    context = {"course": course, "rows": rows}
    if user.role == Role.AGENT:
        due = (
            Assignment.objects.filter(course=course, progress__agent=user)
            .exclude(due_at=None)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        done = sum(1 for r in rows if r["done"])
        context.update(
            {
                "due_at": due,
                "overdue": bool(due and due < timezone.now() and done < len(rows)),
                "done": done,
                "percent": round(100 * done / len(rows)) if rows else 0,
            }
        )
    else:
        progress = AssignmentProgress.objects.filter(assignment__course=course)
        stats = {
            a: (t, d, late)
            for a, t, d, late in progress.values_list("assignment_id").annotate(
                t=Count("id"),
                d=Count("id", filter=Q(status=ProgressStatus.DONE)),
                late=Count(
                    "agent",
                    distinct=True,
                    filter=Q(status=ProgressStatus.TO_DO, assignment__due_at__lt=timezone.now()),
                ),
            )
        }
        assignments = list(
            Assignment.objects.filter(course=course).select_related("team", "agent", "created_by")
        )
        for assignment in assignments:
            total, done, late = stats.get(assignment.pk, (0, 0, 0))
            assignment.percent = round(100 * done / total) if total else 0
            assignment.late = late
        context["assignments"] = assignments
        if user.role in (Role.TRAINER, Role.ADMIN):
            context["choices"] = builder_choices(user=user)
            context["assign_targets"] = assign_targets(user=user)
    return context


def builder_choices(*, user: User) -> dict:
    return {
        "articles": list(
            scope(Article.objects.all(), user).only("pk", "title", "language").order_by("title")
        ),
        "cases": list(
            scope(Case.objects.all(), user).only("pk", "title", "language").order_by("title")
        ),
        "scenarios": list(
            scope(Scenario.objects.filter(is_active=True), user)
            .only("pk", "title", "code", "language")
            .order_by("title")
        ),
    }


def assign_targets(*, user: User) -> dict:
    return {
        "teams": list(scope(Team.objects.all(), user)),
        "agents": list(
            scope(User.objects.filter(role=Role.AGENT, is_active=True), user).select_related("team")
        ),
    }


def assignment_get(*, user: User, pk: int) -> Assignment:
    assignments = scope(Assignment.objects.select_related("course", "drill", "team", "agent"), user)
    if user.role == Role.AGENT:
        assignments = assignments.filter(progress__agent=user).distinct()
    elif user.role == Role.MANAGER:
        # A manager sees an assignment only when it concerns one of its teams' agents.
        assignments = assignments.filter(
            progress__agent__in=visible_agents(user).values("pk")
        ).distinct()
    return scoped_get(assignments, user, pk=pk)


def assignment_progress(*, user: User, assignment: Assignment) -> list[AssignmentProgress]:
    """Progress rows of an assignment the caller may see (its own, or its visible agents')."""
    rows = AssignmentProgress.objects.filter(assignment=assignment).select_related(
        "agent", "item__article", "item__case", "item__scenario", "drill"
    )
    if user.role != Role.ADMIN and user.role != Role.TRAINER:
        rows = rows.filter(agent__in=visible_agents(user).values("pk"))
    return list(rows.order_by("agent__username", "item__order", "id"))


def assignments_for(*, user: User) -> QuerySet[Assignment]:
    assignments = scope(Assignment.objects.all(), user).select_related(
        "course", "drill", "team", "agent"
    )
    if user.role == Role.AGENT:
        return assignments.filter(progress__agent=user).distinct()
    if user.role == Role.MANAGER:
        return assignments.filter(progress__agent__in=visible_agents(user).values("pk")).distinct()
    return assignments


def drill_get(*, user: User, pk: int) -> Drill:
    return scoped_get(Drill.objects.select_related("scenario", "case", "article"), user, pk=pk)


def drill_list(*, user: User) -> list[Drill]:
    return list(
        scope(Drill.objects.all(), user)
        .select_related("scenario", "case", "article")
        .annotate(uses=Count("assignments"))
        .order_by("kind", "language", "title")
    )


def conversation_for_link(*, user: User, pk: int) -> Conversation:
    from practice.selectors import conversations_visible

    return scoped_get(conversations_visible(user), user, pk=pk)


def drill_target_names(drill: Drill) -> dict[str, list[str]]:
    names = vocabulary_names(drill.organisation_id)
    return {
        kind: [names[kind].get(code, code) for code in drill.targets(kind)]
        for kind in ("skill", "rule", "checkpoint")
    }
