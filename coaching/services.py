"""Writes of the coaching app: skill profiles, weaknesses and weekly roll-ups materialised from
scorecards; drills derived from the content; courses, assignments and their progress.

Everything derived from scorecards is recomputed from the scorecards themselves (never added to
a running total), so running an update twice, or out of order, gives the same rows.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, Team, User
from accounts.services import audit_record
from cases.models import MICRO_DRILL_PREFIX, AnnotationKind, Case, CaseAnnotation, Scenario
from coaching.history import Scored, load_histories, skill_evidence, week_of
from coaching.models import (
    AgentWeek,
    Assignment,
    AssignmentProgress,
    Course,
    CourseItem,
    Drill,
    DrillEffect,
    DrillKind,
    ItemKind,
    MetricKind,
    ProfileKind,
    ProgressStatus,
    SkillProfile,
    TeamWeekMetric,
    Weakness,
    WeaknessKind,
    WeaknessStatus,
)
from coaching.profiles import (
    SAME_PROBLEM,
    CoachingConfig,
    Observation,
    below_threshold,
    profile_figures,
    running_levels,
    weakness_decision,
    weakness_key,
)
from config.errors import Conflict, DomainError
from knowledge.models import Article, ComplianceRule
from knowledge.vocabulary import SKILL_CODES
from practice.models import Conversation, ConversationKind, ConversationStatus, Scorecard

logger = logging.getLogger(__name__)

# Checkpoints and the rule that is broken when the checkpoint is missed.
CHECKPOINT_RULE = {
    "cooling_off_disclosed": "cooling_off_omitted",
    "disclosure_duty_reminded": "induced_nondisclosure",
    "exclusions_explained": "concealed_exclusions",
}
RULE_CHECKPOINT = {rule: checkpoint for checkpoint, rule in CHECKPOINT_RULE.items()}
EVIDENCE_KEEP = 10
AGENT_CHUNK = 200


def coaching_config(organisation: Organisation) -> CoachingConfig:
    return CoachingConfig.from_settings(organisation.coaching_settings)


# --- Profiles -----------------------------------------------------------------------------
def _observations(history: list[Scored], skill: str, kind: str) -> list[Observation]:
    return [
        Observation(at=r.at, value=r.skills[skill])
        for r in history
        if skill in r.skills and (kind == ProfileKind.ALL or r.kind == kind)
    ]


def _profile_rows(
    organisation_id: int, agent_id: int, history: list[Scored], now: datetime, config
) -> list[SkillProfile]:
    rows = []
    for kind in ProfileKind.values:
        for skill in SKILL_CODES:
            figures = profile_figures(_observations(history, skill, kind), now=now, config=config)
            rows.append(
                SkillProfile(
                    organisation_id=organisation_id,
                    agent_id=agent_id,
                    skill=skill,
                    kind=kind,
                    score=figures.score,
                    trend=figures.trend,
                    n=figures.n,
                    updated_at=now,
                )
            )
    return rows


# --- Weaknesses ---------------------------------------------------------------------------
def _merged_checkpoints() -> dict[str, tuple[str, ...]]:
    """rule → the checkpoints whose miss is that rule's finding (``profiles.SAME_PROBLEM``)."""
    merged = defaultdict(list)
    for (kind, code), (target_kind, target_code) in SAME_PROBLEM.items():
        if kind == WeaknessKind.CHECKPOINT and target_kind == WeaknessKind.RULE:
            merged[target_code].append(code)
    return {rule: tuple(codes) for rule, codes in merged.items()}


MERGED_CHECKPOINTS = _merged_checkpoints()


def shortfall(record: Scored, kind: str, code: str, config=None) -> bool | None:
    """Did the conversation fall short on (kind, code)? None: not measured in it. (Only a
    skill needs ``config``, for its threshold.)"""
    if kind == WeaknessKind.SKILL:
        ratio = record.skills.get(code)
        return None if ratio is None else ratio < config.skill_threshold
    if kind == WeaknessKind.CHECKPOINT:
        hit = record.checkpoints.get(code)
        return None if hit is None else not hit[0]
    if code in record.rules:
        return True
    return any(
        checkpoint in record.checkpoints and not record.checkpoints[checkpoint][0]
        for checkpoint in MERGED_CHECKPOINTS.get(code, ())
    )


def shortfall_series(history: list[Scored], config) -> dict[tuple[str, str], list]:
    """(kind, code) → [(record, fell_short)] oldest first, for every code the history touches.
    A rule counts in every conversation (no finding = kept); a checkpoint merged into a rule
    (``SAME_PROBLEM``) is tracked under the rule only."""
    codes: set[tuple[str, str]] = set()
    for record in history:
        codes.update((WeaknessKind.SKILL.value, skill) for skill in record.skills)
        codes.update(
            weakness_key(WeaknessKind.CHECKPOINT.value, code) for code in record.checkpoints
        )
        codes.update((WeaknessKind.RULE.value, rule) for rule in record.rules)
    series: dict[tuple[str, str], list] = {}
    for kind, code in sorted(codes):
        outcomes = [
            (record, short)
            for record in history
            for short in [shortfall(record, kind, code, config)]
            if short is not None
        ]
        if outcomes:
            series[(kind, code)] = outcomes
    return series


def series_thresholds(kind: str, code: str, series: list, config) -> tuple[int, int]:
    """(K, N): how many shortfalls among the last N open a weakness of this kind. Rules count
    over ``rule_n`` conversations; a rule the agent broke as serious needs only ``serious_k``."""
    if kind != WeaknessKind.RULE:
        return config.weakness_k, config.weakness_n
    serious = any(
        record.rules.get(code, {}).get("severity") == "serious" for record, _short in series
    )
    return (config.serious_k if serious else config.rule_k), config.rule_n


def series_lows(kind: str, code: str, series: list, config) -> list[bool] | None:
    """For a skill: after each conversation, whether the recency-weighted score (the one the
    profile shows) is below the threshold. None for checkpoints and rules."""
    if kind != WeaknessKind.SKILL:
        return None
    levels = running_levels(
        [Observation(at=record.at, value=record.skills[code]) for record, _short in series],
        half_life_days=config.half_life_days,
    )
    return [below_threshold(level, i + 1, config) for i, level in enumerate(levels)]


def weakness_intervals(
    series: list,
    config,
    *,
    k: int | None = None,
    n: int | None = None,
    lows: list[bool] | None = None,
) -> list[dict]:
    """Replay an outcome series: each time a weakness opens (and maybe closes) on the way.

    Returns [{"opened_at", "closed_at", "shortfalls": [records]}]; after a close, only later
    conversations count towards opening again, so a reopened weakness is a new interval.
    """
    k = k or config.weakness_k
    n = n or config.weakness_n
    flags = [short for _record, short in series]
    lows = lows or [False] * len(series)
    reach = max(n, config.recover_m)
    intervals: list[dict] = []
    current: dict | None = None
    start = 0
    for i, (record, short) in enumerate(series):
        if current is not None:
            if short:
                current["shortfalls"].append(record)
            decision = weakness_decision(
                flags[max(0, i + 1 - reach) : i + 1],  # it looks no further back
                is_open=True,
                since_open=i - current["index"],
                config=config,
                k=k,
                n=n,
                low=lows[i],
            )
            if decision == "close":
                current["closed_at"] = record.at
                intervals.append(current)
                current, start = None, i + 1
        elif weakness_decision(
            flags[max(start, i + 1 - n) : i + 1],
            is_open=False,
            since_open=0,
            config=config,
            k=k,
            n=n,
            low=lows[i],
        ):
            window = series[max(start, i + 1 - n) : i + 1]
            if sum(1 for _r, s in window if s) < k:
                # opened by the low level: the shortfalls behind it reach further back
                window = series[start : i + 1]
            current = {
                "opened_at": record.at,
                "closed_at": None,
                "index": i,
                "shortfalls": [r for r, s in window if s],
            }
    if current is not None:
        intervals.append(current)
    return intervals


def _evidence_items(kind: str, code: str, records: list[Scored], quotes: dict) -> list[dict]:
    items = []
    for record in records[-EVIDENCE_KEEP:]:
        if kind == WeaknessKind.RULE:
            hit = record.rules.get(code, {})
            items.append(record.evidence(turn=hit.get("turn"), quote=hit.get("quote", "")))
        elif kind == WeaknessKind.CHECKPOINT:
            items.append(record.evidence())
        else:
            turn, quote = quotes.get((record.scorecard_id, code), (None, ""))
            items.append(record.evidence(turn=turn, quote=quote))
    return items


def _weakness_plan(history: list[Scored], config) -> list[dict]:
    plan = []
    for (kind, code), series in shortfall_series(history, config).items():
        k, n = series_thresholds(kind, code, series, config)
        lows = series_lows(kind, code, series, config)
        for interval in weakness_intervals(series, config, k=k, n=n, lows=lows):
            plan.append({"kind": str(kind), "code": code, **interval})
    return plan


def _weaknesses_reconcile(
    organisation_id: int,
    plans: dict[int, list[dict]],
    existing: Iterable[Weakness],
    now: datetime,
) -> dict:
    """Bring the stored weaknesses of these agents to ``plans``; unchanged rows keep their id."""
    wanted_quotes = {
        (r.scorecard_id, p["code"])
        for agent_plan in plans.values()
        for p in agent_plan
        if p["kind"] == WeaknessKind.SKILL
        for r in p["shortfalls"][-EVIDENCE_KEEP:]
    }
    quotes = skill_evidence(wanted_quotes)
    by_key = {(w.agent_id, w.kind, w.code, w.opened_at): w for w in existing}
    create, update, keep = [], [], set()
    for agent_id, agent_plan in plans.items():
        for p in agent_plan:
            key = (agent_id, p["kind"], p["code"], p["opened_at"])
            status = WeaknessStatus.CLOSED if p["closed_at"] else WeaknessStatus.OPEN
            evidence = _evidence_items(p["kind"], p["code"], p["shortfalls"], quotes)
            row = by_key.get(key)
            if row is None:
                create.append(
                    Weakness(
                        organisation_id=organisation_id,
                        agent_id=agent_id,
                        kind=p["kind"],
                        code=p["code"],
                        status=status,
                        opened_at=p["opened_at"],
                        closed_at=p["closed_at"],
                        evidence=evidence,
                        last_checked_at=now,
                    )
                )
                continue
            keep.add(row.pk)
            if (row.status, row.closed_at, row.evidence) != (status, p["closed_at"], evidence) or (
                status == WeaknessStatus.OPEN
            ):
                row.status, row.closed_at, row.evidence = status, p["closed_at"], evidence
                row.last_checked_at = now
                update.append(row)
    stale = [w.pk for w in by_key.values() if w.pk not in keep]
    if stale:
        Weakness.objects.filter(pk__in=stale).delete()
    if update:
        Weakness.objects.bulk_update(
            update, ["status", "closed_at", "evidence", "last_checked_at"], batch_size=1000
        )
    # Closed rows first: an open row may only appear once its predecessor is closed.
    create.sort(key=lambda w: w.status != WeaknessStatus.CLOSED)
    Weakness.objects.bulk_create(create, batch_size=1000)
    return {"created": len(create), "updated": len(update), "removed": len(stale)}


# --- Weekly roll-ups ----------------------------------------------------------------------
def _agent_week_rows(
    organisation_id: int,
    agents: dict[int, int | None],
    histories: dict[int, list[Scored]],
    started: dict[tuple[int, object], list[int]],
) -> list[AgentWeek]:
    rows: dict[tuple[int, object], AgentWeek] = {}

    def row(agent_id, week):
        key = (agent_id, week)
        if key not in rows:
            rows[key] = AgentWeek(
                organisation_id=organisation_id,
                agent_id=agent_id,
                team_id=agents[agent_id],
                week=week,
            )
        return rows[key]

    for (agent_id, week), (n_started, n_finished) in started.items():
        item = row(agent_id, week)
        item.started, item.finished = n_started, n_finished
    for agent_id, history in histories.items():
        for record in history:
            item = row(agent_id, week_of(record.started_at))
            item.scored += 1
            item.overall_sum += record.overall or 0.0
            if record.kind == ConversationKind.PRACTICE and record.passed:
                item.passed += 1
            for hit in record.rules.values():
                if hit["severity"] == "serious":
                    item.serious += hit["count"]
                else:
                    item.general += hit["count"]
    return list(rows.values())


def _team_week_totals(
    histories: dict[int, list[Scored]], agents: dict[int, int | None], totals: dict | None = None
) -> dict:
    """(team, week, metric, code) → [total, n], added into ``totals``."""
    totals = totals if totals is not None else defaultdict(lambda: [0.0, 0])
    for agent_id, history in histories.items():
        team_id = agents.get(agent_id)
        for record in history:
            week = week_of(record.started_at)
            for skill, ratio in record.skills.items():
                bucket = totals[(team_id, week, MetricKind.SKILL, skill)]
                bucket[0] += 100.0 * ratio
                bucket[1] += 1
            for code, (reached, _turn) in record.checkpoints.items():
                bucket = totals[(team_id, week, MetricKind.CHECKPOINT, code)]
                bucket[0] += 1.0 if reached else 0.0
                bucket[1] += 1
            for rule, hit in record.rules.items():
                bucket = totals[(team_id, week, MetricKind.RULE, rule)]
                bucket[0] += hit["count"]
                bucket[1] += 1
    return totals


def _team_week_rows(organisation_id: int, totals: dict) -> list[TeamWeekMetric]:
    return [
        TeamWeekMetric(
            organisation_id=organisation_id,
            team_id=team_id,
            week=week,
            metric=metric,
            code=code,
            total=round(total, 3),
            n=n,
        )
        for (team_id, week, metric, code), (total, n) in totals.items()
    ]


def _started_counts(
    organisation_id: int, agent_ids: list[int], since=None, before=None
) -> dict[tuple[int, object], list[int]]:
    """(agent, week) → [practice sessions started, finished]."""
    conversations = Conversation.objects.filter(
        organisation_id=organisation_id, kind=ConversationKind.PRACTICE, agent_id__in=agent_ids
    )
    if since is not None:
        conversations = conversations.filter(started_at__gte=since)
    if before is not None:
        conversations = conversations.filter(started_at__lt=before)
    counts: dict[tuple[int, object], list[int]] = defaultdict(lambda: [0, 0])
    for agent_id, started_at, status in conversations.values_list(
        "agent_id", "started_at", "status"
    ).iterator(chunk_size=5000):
        bucket = counts[(agent_id, week_of(started_at))]
        bucket[0] += 1
        if status == ConversationStatus.FINISHED:
            bucket[1] += 1
    return counts


def _week_bounds(week) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(week, datetime.min.time()))
    return start, start + timedelta(days=7)


# --- Updating from one scorecard ----------------------------------------------------------
@transaction.atomic
def coaching_update_for_agent(*, agent: User, weeks: Iterable = ()) -> dict:
    """Recompute one agent's profiles and weaknesses, and the roll-ups of ``weeks``."""
    organisation = agent.organisation
    # One update per agent at a time: two workers scoring the same agent's sessions would
    # otherwise both replace its rows.
    User.objects.select_for_update().filter(pk=agent.pk).first()
    config = coaching_config(organisation)
    now = timezone.now()
    history = load_histories(organisation_id=organisation.pk, agent_ids=[agent.pk]).get(
        agent.pk, []
    )
    SkillProfile.objects.filter(agent=agent).delete()
    SkillProfile.objects.bulk_create(_profile_rows(organisation.pk, agent.pk, history, now, config))
    result = _weaknesses_reconcile(
        organisation.pk,
        {agent.pk: _weakness_plan(history, config)},
        Weakness.objects.filter(agent=agent).select_for_update(),
        now,
    )
    for week in set(weeks):
        _rollups_refresh(organisation=organisation, agent=agent, week=week)
    return result


def _rollups_refresh(*, organisation: Organisation, agent: User, week) -> None:
    since, before = _week_bounds(week)
    # The team's week is rebuilt by one worker at a time (agents of a team score in parallel).
    if agent.team_id:
        Team.objects.select_for_update().filter(pk=agent.team_id).first()
    else:
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    teammates = User.objects.filter(organisation=organisation, role=Role.AGENT)
    teammates = (
        teammates.filter(team_id=agent.team_id) if agent.team_id else teammates.filter(team=None)
    )
    team_agents = dict(teammates.values_list("pk", "team_id"))
    team_agents.setdefault(agent.pk, agent.team_id)
    histories = load_histories(
        organisation_id=organisation.pk,
        agent_ids=list(team_agents),
        started_from=since,
        started_before=before,
    )
    mine = {agent.pk: histories.get(agent.pk, [])}
    started = _started_counts(organisation.pk, [agent.pk], since, before)
    AgentWeek.objects.filter(agent=agent, week=week).delete()
    AgentWeek.objects.bulk_create(
        _agent_week_rows(organisation.pk, {agent.pk: agent.team_id}, mine, started)
    )
    TeamWeekMetric.objects.filter(
        organisation=organisation, team_id=agent.team_id, week=week
    ).delete()
    TeamWeekMetric.objects.bulk_create(
        _team_week_rows(organisation.pk, _team_week_totals(histories, team_agents))
    )


def coaching_update_for_scorecard(*, scorecard_id: int) -> dict | None:
    """After a scorecard is scored: the agent's profile, weaknesses, roll-ups and progress.
    A scorecard that is not (or no longer) a current scored one changes nothing new."""
    scorecard = (
        Scorecard.objects.select_related("conversation__agent__organisation")
        .filter(pk=scorecard_id)
        .first()
    )
    if scorecard is None or scorecard.conversation.agent is None:
        return None
    agent = scorecard.conversation.agent
    if agent.organisation_id != scorecard.organisation_id:
        return None
    result = coaching_update_for_agent(
        agent=agent, weeks=[week_of(scorecard.conversation.started_at)]
    )
    progress_update_for_scorecard(scorecard=scorecard)
    return result


# --- Rebuilding an organisation -----------------------------------------------------------
def coaching_rebuild(*, organisation: Organisation) -> dict:
    """Recompute every profile, weakness and roll-up of ``organisation`` from its scorecards,
    refresh the drills and their measured effects. Idempotent; weakness ids stay stable."""
    config = coaching_config(organisation)
    now = timezone.now()
    drills = drills_sync(organisation=organisation)
    agents = dict(
        User.objects.filter(organisation=organisation, role=Role.AGENT).values_list("pk", "team_id")
    )
    agent_ids = sorted(agents)
    totals: dict = defaultdict(lambda: [0.0, 0])
    stats = Counter(agents=len(agent_ids), drills=drills["total"])
    effect_samples: dict = defaultdict(list)
    done_events = _drill_done_events(organisation)
    drill_rows = list(Drill.objects.filter(organisation=organisation))
    with transaction.atomic():
        SkillProfile.objects.filter(organisation=organisation).delete()
        AgentWeek.objects.filter(organisation=organisation).delete()
        TeamWeekMetric.objects.filter(organisation=organisation).delete()
        for start in range(0, len(agent_ids), AGENT_CHUNK):
            chunk = agent_ids[start : start + AGENT_CHUNK]
            histories = load_histories(organisation_id=organisation.pk, agent_ids=chunk)
            profiles = []
            plans = {}
            for agent_id in chunk:
                history = histories.get(agent_id, [])
                stats["scorecards"] += len(history)
                profiles += _profile_rows(organisation.pk, agent_id, history, now, config)
                plans[agent_id] = _weakness_plan(history, config)
            SkillProfile.objects.bulk_create(profiles, batch_size=2000)
            result = _weaknesses_reconcile(
                organisation.pk, plans, Weakness.objects.filter(agent_id__in=chunk), now
            )
            stats.update({f"weaknesses_{k}": v for k, v in result.items()})
            AgentWeek.objects.bulk_create(
                _agent_week_rows(
                    organisation.pk,
                    agents,
                    histories,
                    _started_counts(organisation.pk, chunk),
                ),
                batch_size=2000,
            )
            _team_week_totals(histories, agents, totals)
            _effect_samples(histories, plans, drill_rows, done_events, config, effect_samples)
        TeamWeekMetric.objects.bulk_create(
            _team_week_rows(organisation.pk, totals), batch_size=2000
        )
        stats["effects"] = _effects_store(organisation, effect_samples)
    stats["open_weaknesses"] = Weakness.objects.filter(
        organisation=organisation, status=WeaknessStatus.OPEN
    ).count()
    return dict(stats)


# --- Drills -------------------------------------------------------------------------------
_MINUTES = {"easy": 10, "medium": 15, "hard": 20}
MICRO_PREFIX = MICRO_DRILL_PREFIX


def _ordered_skills(codes: Iterable[str]) -> list[str]:
    codes = set(codes)
    return [c for c in SKILL_CODES if c in codes] + sorted(codes - set(SKILL_CODES))


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text.lower())
    return {text[i : i + 2] for i in range(len(text) - 1)}


# Leading verbs of rule titles ("未告知", "承诺"…): what is left names the subject matter.
_RULE_VERBS = (
    "未告知",
    "未提示",
    "未说明",
    "承诺",
    "混淆",
    "夸大",
    "隐瞒",
    "诱导",
    "给予",
    "诋毁",
    "虚构",
    "虚称",
    "虚假",
    "宣称",
    "违规代收",
    "违规经手",
    "代",
)


def article_rules(article: Article, rules: list[ComplianceRule]) -> list[str]:
    """The rules a compliance article talks about: the subject of the rule's title (its
    Chinese title without the leading verb, or the English words of its code and title)."""
    text = f"{article.title}\n{article.body}".lower()
    squeezed = re.sub(r"\s+", "", text)
    found = []
    for rule in rules:
        core = rule.title_zh
        for verb in _RULE_VERBS:
            if core.startswith(verb) and len(core) > len(verb) + 1:
                core = core[len(verb) :]
                break
        grams = _bigrams(core)
        zh_hits = sum(1 for g in grams if g in squeezed)
        # English: stems of the title's longer words ("disclo" for disclosed / disclosure)
        stems = {w[:6] for w in re.split(r"[^a-z]+", rule.title_en.lower()) if len(w) >= 5}
        en_hits = sum(1 for w in stems if w in text)
        if (
            (core and core in squeezed)
            or (grams and zh_hits >= max(2, -(-2 * len(grams) // 3)))
            or (stems and en_hits >= max(1, -(-len(stems) // 2)) and len(stems) > 1)
        ):
            found.append(rule.code)
    return sorted(set(found))


def _micro_code(*parts: str) -> str:
    code = MICRO_PREFIX + "-".join(parts)
    if len(code) <= 80:
        return code
    return code[:70] + "-" + hashlib.sha1(code.encode()).hexdigest()[:9]


_MICRO_TEXT = {
    "zh": {
        "objection_title": "微练习：{title}（{objection}）",
        "objection_goal": "只练一件事：客户会提出“{line}”。先认同感受，再用事实或调整方案回应，"
        "不施压，最后约定下一步。",
        "cooling_title": "微练习：告知犹豫期",
        "cooling_goal": "客户已有购买意向。在促成前讲清犹豫期：天数、从何时起算、期内退保的规则。",
        "cooling_open": "听起来还不错，我差不多想买了。签之前还有什么要注意的吗？",
        "duty_title": "微练习：提醒如实告知",
        "duty_goal": "客户准备填投保单。提醒客户如实告知健康、职业等情况，并说明不如实告知的后果。",
        "duty_open": "行，那投保单我来填吧。健康这些随便勾一下就行吧？",
        "stage_objection": "异议处理",
        "stage_disclosure": "告知",
        "stage_next": "下一步",
        "c_objection": "异议处理",
        "c_rapport": "沟通与共情",
        "c_compliance": "合规告知",
        "c_closing": "约定下一步",
    },
    "en": {
        "objection_title": "Micro-drill: {title} ({objection})",
        "objection_goal": "One thing only: the customer will say “{line}”. Acknowledge the "
        "feeling, answer with facts or an adjusted plan, no pressure, then agree a next step.",
        "cooling_title": "Micro-drill: disclose the cooling-off period",
        "cooling_goal": "The customer wants to buy. Before closing, explain the cooling-off "
        "period: how many days, from when, and the refund rule.",
        "cooling_open": "Sounds good, I think I'll go ahead. Anything I should know before signing?",
        "duty_title": "Micro-drill: remind the duty of disclosure",
        "duty_goal": "The customer is about to fill in the application. Remind them to declare "
        "health and occupation truthfully and say what happens if they do not.",
        "duty_open": "Fine, I'll fill in the form. The health questions - I can just tick no, right?",
        "stage_objection": "Objection",
        "stage_disclosure": "Disclosure",
        "stage_next": "Next step",
        "c_objection": "Handling the objection",
        "c_rapport": "Rapport",
        "c_compliance": "Compliance disclosure",
        "c_closing": "Next step",
    },
}


_OBJECTION_LABELS = {
    "zh": {
        "price": "太贵",
        "spouse": "要和爱人商量",
        "already_insured": "已经有保险了",
        "scam": "保险都是骗人的",
        "invest": "不如拿去投资",
        "think_it_over": "我再考虑考虑",
        "no_need": "还年轻用不上",
        "trust": "怕理赔难",
    },
    "en": {
        "price": "too expensive",
        "spouse": "must ask my spouse",
        "already_insured": "already insured",
        "scam": "insurance is a scam",
        "invest": "rather invest",
        "think_it_over": "let me think about it",
        "no_need": "no need yet",
        "trust": "distrust of claims",
    },
}


def _criterion(code, skill, weight, language, key):
    zh, en = _MICRO_TEXT["zh"][key], _MICRO_TEXT["en"][key]
    return {
        "code": code,
        "skill": skill,
        "title_zh": zh,
        "title_en": en,
        "weight": weight,
        "max_score": 5,
        "checks_zh": [],
        "checks_en": [],
    }


def _micro_records(scenario: Scenario) -> list[tuple[dict, dict]]:
    """(scenario record, drill targets) of the objection micro-drills of ``scenario``."""
    from cases.selectors import scenario_record

    base = scenario_record(scenario)
    text = _MICRO_TEXT[scenario.language if scenario.language in _MICRO_TEXT else "zh"]
    rubric = {
        "code": f"micro-objection-{scenario.language}",
        "title": text["objection_title"].split("：")[0].split(":")[0],
        "criteria": [
            _criterion("objection_handling", "objection", 70, scenario.language, "c_objection"),
            _criterion("rapport", "rapport", 30, scenario.language, "c_rapport"),
        ],
    }
    records = []
    labels = _OBJECTION_LABELS["en" if scenario.language == "en" else "zh"]
    for objection in base["persona"].get("objections") or []:
        label = labels.get(objection.get("type", ""), objection.get("type", ""))
        persona = {
            **base["persona"],
            "patience": 4,
            "objections": [{**objection, "trigger": {"after_turn": 1}}],
        }
        record = {
            **base,
            "code": _micro_code(scenario.code, objection["code"]),
            "from_case": None,
            "title": text["objection_title"].format(title=scenario.title, objection=label)[:200],
            "goal": text["objection_goal"].format(line=objection.get("line", "")),
            "persona": persona,
            "sop": [
                {
                    "stage_zh": _MICRO_TEXT["zh"]["stage_objection"],
                    "stage_en": _MICRO_TEXT["en"]["stage_objection"],
                    "checkpoints": [],
                },
                {
                    "stage_zh": _MICRO_TEXT["zh"]["stage_next"],
                    "stage_en": _MICRO_TEXT["en"]["stage_next"],
                    "checkpoints": ["next_step_agreed"],
                },
            ],
            "rubric": rubric,
        }
        records.append((record, {"skills": ["objection"], "rules": [], "checkpoints": []}))
    return records


def _disclosure_records(scenario: Scenario) -> list[tuple[dict, dict]]:
    """The two disclosure micro-drills of a language, built on one of its scenarios."""
    from cases.selectors import scenario_record

    base = scenario_record(scenario)
    language = scenario.language if scenario.language in _MICRO_TEXT else "zh"
    text = _MICRO_TEXT[language]
    rubric = {
        "code": f"micro-disclosure-{language}",
        "title": text["cooling_title"].split("：")[0].split(":")[0],
        "criteria": [
            _criterion("compliance", "compliance", 70, language, "c_compliance"),
            _criterion("closing", "closing", 30, language, "c_closing"),
        ],
    }
    records = []
    for key, checkpoint in (
        ("cooling", "cooling_off_disclosed"),
        ("duty", "disclosure_duty_reminded"),
    ):
        persona = {
            **base["persona"],
            "patience": 4,
            "initial_trust": max(int(base["persona"].get("initial_trust", 50)), 60),
            "opening_line": text[f"{key}_open"],
            "objections": [],
        }
        record = {
            **base,
            "code": _micro_code(language, "cooling-off" if key == "cooling" else "disclosure-duty"),
            "from_case": None,
            "difficulty": "easy",
            "title": text[f"{key}_title"],
            "goal": text[f"{key}_goal"],
            "persona": persona,
            "sop": [
                {
                    "stage_zh": _MICRO_TEXT["zh"]["stage_disclosure"],
                    "stage_en": _MICRO_TEXT["en"]["stage_disclosure"],
                    "checkpoints": [checkpoint],
                },
                {
                    "stage_zh": _MICRO_TEXT["zh"]["stage_next"],
                    "stage_en": _MICRO_TEXT["en"]["stage_next"],
                    "checkpoints": ["next_step_agreed"],
                },
            ],
            "rubric": rubric,
        }
        targets = {
            "skills": ["compliance"],
            "rules": [CHECKPOINT_RULE[checkpoint]],
            "checkpoints": [checkpoint],
        }
        records.append((record, targets))
    return records


def _micro_scenarios(organisation: Organisation, scenarios: list[Scenario]) -> list[tuple]:
    """Create or refresh the micro-drill scenarios through the scenario services."""
    from cases.services import scenario_write
    from knowledge.validation import Context, clean_record

    wanted = []
    first_easy: dict[str, Scenario] = {}
    for scenario in sorted(scenarios, key=lambda s: (s.difficulty != "easy", s.code)):
        first_easy.setdefault(scenario.language, scenario)
    for scenario in scenarios:
        wanted += _micro_records(scenario)
    for scenario in first_easy.values():
        wanted += _disclosure_records(scenario)
    if not wanted:
        return []
    context = Context.for_organisation(organisation)
    made = []
    for raw, targets in wanted:
        record = clean_record("scenarios", raw, context)
        saved, _status = scenario_write(organisation=organisation, record=record)
        context.rubrics.add(record["rubric"]["code"])
        made.append((saved, targets))
    return made


@transaction.atomic
def drills_sync(*, organisation: Organisation) -> dict:
    """Derive drills from the content: every scenario, case and article, and micro-drills for
    each scenario objection and each disclosure. Running it again changes nothing."""
    scenarios = list(
        Scenario.objects.filter(organisation=organisation, is_active=True)
        .exclude(code__startswith=MICRO_PREFIX)
        .select_related("product", "rubric", "source_case")
    )
    wanted: dict[str, dict] = {}
    for scenario in scenarios:
        checkpoints = sorted(
            {c for stage in scenario.sop or [] for c in stage.get("checkpoints", [])}
        )
        wanted[f"scenario:{scenario.code}"] = {
            "kind": DrillKind.SCENARIO,
            "title": scenario.title,
            "language": scenario.language,
            "difficulty": scenario.difficulty,
            "scenario": scenario,
            "target_skills": _ordered_skills(
                c.get("skill") for c in scenario.rubric.criteria or [] if c.get("skill")
            ),
            "target_checkpoints": checkpoints,
            "target_rules": sorted(
                {CHECKPOINT_RULE[c] for c in checkpoints if c in CHECKPOINT_RULE}
            ),
            "minutes": _MINUTES.get(scenario.difficulty, 15),
        }
    for scenario, targets in _micro_scenarios(organisation, scenarios):
        wanted[f"micro:{scenario.code}"] = {
            "kind": DrillKind.MICRO,
            "title": scenario.title,
            "language": scenario.language,
            "difficulty": scenario.difficulty,
            "scenario": scenario,
            "target_skills": targets["skills"],
            "target_checkpoints": targets["checkpoints"],
            "target_rules": targets["rules"],
            "minutes": 5,
        }
    cases = Case.objects.filter(organisation=organisation).prefetch_related("skills")
    problems = defaultdict(set)
    noted_skills = defaultdict(set)
    for case_id, kind, skill, rule in CaseAnnotation.objects.filter(
        case__organisation=organisation
    ).values_list("case_id", "kind", "skill__code", "rule__code"):
        if skill:
            noted_skills[case_id].add(skill)
        if rule and kind == AnnotationKind.PROBLEM:
            problems[case_id].add(rule)
    for case in cases:
        rules = sorted(problems[case.pk])
        wanted[f"case:{case.slug}"] = {
            "kind": DrillKind.CASE,
            "title": case.title,
            "language": case.language,
            "difficulty": "",
            "case": case,
            "target_skills": _ordered_skills(
                {s.code for s in case.skills.all()} | noted_skills[case.pk]
            ),
            "target_rules": rules,
            "target_checkpoints": sorted(
                {RULE_CHECKPOINT[r] for r in rules if r in RULE_CHECKPOINT}
            ),
            "minutes": 8,
        }
    rules = list(
        ComplianceRule.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
    )
    for article in Article.objects.filter(organisation=organisation).prefetch_related("skills"):
        skills = _ordered_skills(s.code for s in article.skills.all())
        article_rule_codes = article_rules(article, rules) if "compliance" in skills else []
        wanted[f"article:{article.slug}"] = {
            "kind": DrillKind.ARTICLE,
            "title": article.title,
            "language": article.language,
            "difficulty": "",
            "article": article,
            "target_skills": skills,
            "target_rules": article_rule_codes,
            "target_checkpoints": sorted(
                {RULE_CHECKPOINT[r] for r in article_rule_codes if r in RULE_CHECKPOINT}
            ),
            "minutes": 5,
        }
    existing = {d.key: d for d in Drill.objects.filter(organisation=organisation)}
    stats = Counter()
    fields = [
        "kind",
        "title",
        "language",
        "difficulty",
        "target_skills",
        "target_rules",
        "target_checkpoints",
        "minutes",
    ]
    for key, values in wanted.items():
        drill = existing.get(key)
        links = {
            "scenario": values.pop("scenario", None),
            "case": values.pop("case", None),
            "article": values.pop("article", None),
        }
        if drill is None:
            Drill.objects.create(organisation=organisation, key=key, **values, **links)
            stats["created"] += 1
            continue
        changed = [f for f in fields if getattr(drill, f) != values[f]] + [
            f for f, obj in links.items() if getattr(drill, f"{f}_id") != (obj.pk if obj else None)
        ]
        if changed:
            for name in fields:
                setattr(drill, name, values[name])
            for name, obj in links.items():
                setattr(drill, name, obj)
            drill.save()
            stats["updated"] += 1
    gone = [key for key in existing if key not in wanted]
    if gone:
        # Drills of deleted or archived content: assigned ones stay, the others go.
        Drill.objects.filter(organisation=organisation, key__in=gone, assignments=None).delete()
        stats["removed"] = len(gone)
    stats["total"] = len(wanted)
    return dict(stats)


# --- Measured drill effects ---------------------------------------------------------------
def _drill_done_events(organisation: Organisation) -> dict[int, dict[int, datetime]]:
    """agent → drill → when the agent first did it, for article and case drills (studied in a
    course or an assigned drill). Scenario drills are read from the conversations instead."""
    events: dict[int, dict[int, datetime]] = defaultdict(dict)
    drills = Drill.objects.filter(organisation=organisation)
    by_article = dict(drills.filter(article__isnull=False).values_list("article_id", "pk"))
    by_case = dict(drills.filter(case__isnull=False).values_list("case_id", "pk"))
    done = AssignmentProgress.objects.filter(
        assignment__organisation=organisation, status=ProgressStatus.DONE
    ).values_list("agent_id", "drill_id", "item__article_id", "item__case_id", "completed_at")
    for agent_id, drill_id, article_id, case_id, completed_at in done:
        drill = drill_id or by_article.get(article_id) or by_case.get(case_id)
        if drill and completed_at:
            current = events[agent_id].get(drill)
            if current is None or completed_at < current:
                events[agent_id][drill] = completed_at
    return events


def _outcome(record: Scored, kind: str, code: str) -> float | None:
    if kind == WeaknessKind.SKILL:
        return 100.0 * record.skills[code] if code in record.skills else None
    short = shortfall(record, kind, code)
    return None if short is None else (0.0 if short else 100.0)


def drill_change(
    history: list[Scored],
    *,
    done_at: datetime,
    kind: str,
    code: str,
    window: int,
    exclude: int | None = None,
) -> float | None:
    """Mean outcome (0-100; for rules 100 = not violated) of the ``window`` conversations after
    ``done_at`` minus that of the ``window`` before; the drill's own conversation excluded."""
    before = [
        v
        for r in history
        if r.at < done_at and r.conversation_id != exclude
        for v in [_outcome(r, kind, code)]
        if v is not None
    ][-window:]
    after = [
        v
        for r in history
        if r.at > done_at and r.conversation_id != exclude
        for v in [_outcome(r, kind, code)]
        if v is not None
    ][:window]
    if not before or not after:
        return None
    return sum(after) / len(after) - sum(before) / len(before)


def _effect_samples(histories, plans, drills, done_events, config, samples) -> None:
    """Collect, per (drill, kind, code), the change in each agent who had that weakness open
    when doing the drill."""
    scenario_drills = defaultdict(list)
    for drill in drills:
        if drill.scenario_id:
            scenario_drills[drill.scenario_id].append(drill)
    by_id = {d.pk: d for d in drills}
    for agent_id, history in histories.items():
        done: dict[int, tuple[datetime, int | None]] = {}
        for record in history:
            for drill in scenario_drills.get(record.scenario_id, []):
                done.setdefault(drill.pk, (record.at, record.conversation_id))
        for drill_id, at in done_events.get(agent_id, {}).items():
            done.setdefault(drill_id, (at, None))
        if not done:
            continue
        intervals = plans.get(agent_id, [])
        for drill_id, (at, conversation_id) in done.items():
            drill = by_id.get(drill_id)
            if drill is None:
                continue
            for interval in intervals:
                if interval["code"] not in drill.targets(interval["kind"]):
                    continue
                if not (
                    interval["opened_at"] <= at
                    and (interval["closed_at"] is None or interval["closed_at"] >= at)
                ):
                    continue
                change = drill_change(
                    history,
                    done_at=at,
                    kind=interval["kind"],
                    code=interval["code"],
                    window=config.weakness_n,
                    exclude=conversation_id,
                )
                if change is not None:
                    samples[(drill_id, interval["kind"], interval["code"])].append(change)


def _effects_store(organisation: Organisation, samples: dict) -> int:
    DrillEffect.objects.filter(organisation=organisation).delete()
    rows = [
        DrillEffect(
            organisation=organisation,
            drill_id=drill_id,
            kind=kind,
            code=code,
            agents=len(changes),
            mean_change=round(sum(changes) / len(changes), 2),
        )
        for (drill_id, kind, code), changes in samples.items()
        if changes
    ]
    DrillEffect.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


# --- Courses ------------------------------------------------------------------------------
def _require_trainer(actor: User) -> None:
    if actor.role not in (Role.TRAINER, Role.ADMIN):
        raise DomainError(_("Only trainers can do this."), code="forbidden")


@transaction.atomic
def course_create(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    description: str = "",
    language: str = "zh",
) -> Course:
    _require_trainer(actor)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("A course needs a title."), field="title")
    if language not in ("zh", "en"):
        raise DomainError(_("Unknown language."), field="language")
    course = Course.objects.create(
        organisation=organisation,
        title=title[:200],
        description=description or "",
        language=language,
        created_by=actor,
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="course.created",
        target=course,
        summary=course.title,
    )
    return course


@transaction.atomic
def course_update(
    *, course: Course, actor: User, title: str, description: str, language: str
) -> Course:
    _require_trainer(actor)
    if not (title or "").strip():
        raise DomainError(_("A course needs a title."), field="title")
    before = {"title": course.title, "description": course.description, "language": course.language}
    course.title, course.description, course.language = title.strip()[:200], description, language
    course.save()
    audit_record(
        organisation=course.organisation,
        actor=actor,
        action="course.updated",
        target=course,
        summary=course.title,
        before=before,
        after={"title": course.title, "description": course.description, "language": language},
    )
    return course


def _item_target(course: Course, kind: str, target_id) -> dict:
    model = {ItemKind.ARTICLE: Article, ItemKind.CASE: Case, ItemKind.SCENARIO: Scenario}.get(kind)
    if model is None:
        raise DomainError(_("Unknown item kind."), field="kind")
    try:
        target = model.objects.get(organisation_id=course.organisation_id, pk=int(target_id))
    except (model.DoesNotExist, TypeError, ValueError) as exc:
        raise DomainError(_("Choose an item of your organisation."), field="target") from exc
    return {kind: target}


@transaction.atomic
def course_item_add(
    *, course: Course, actor: User, kind: str, target_id, pass_mark: int | None = None
) -> CourseItem:
    """Append an item; agents already assigned the course get it in their progress."""
    _require_trainer(actor)
    target = _item_target(course, kind, target_id)
    # One row per course: the lock keeps two quick clicks from both adding the same item.
    Course.objects.select_for_update().filter(pk=course.pk).first()
    if course.items.filter(kind=kind, **target).exists():
        raise Conflict(
            _("“%(title)s” is already in this course.") % {"title": target[kind].title},
            field="target",
        )
    if pass_mark is not None and not 0 <= int(pass_mark) <= 100:
        raise DomainError(_("The pass mark is between 0 and 100."), field="pass_mark")
    last = course.items.aggregate(m=Max("order"))["m"]
    item = CourseItem.objects.create(
        course=course,
        kind=kind,
        order=(last or 0) + 1,
        pass_mark=int(pass_mark) if pass_mark is not None else 60,
        **target,
    )
    assigned = (
        AssignmentProgress.objects.filter(assignment__course=course)
        .values_list("assignment_id", "agent_id")
        .distinct()
    )
    AssignmentProgress.objects.bulk_create(
        [AssignmentProgress(assignment_id=a, agent_id=u, item=item) for a, u in assigned],
        ignore_conflicts=True,
    )
    Course.objects.filter(pk=course.pk).update(updated_at=timezone.now())
    return item


@transaction.atomic
def course_item_move(*, item: CourseItem, actor: User, direction: str) -> None:
    _require_trainer(actor)
    items = list(item.course.items.order_by("order", "id"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for order, it in enumerate(items, start=1):
        if it.order != order:
            it.order = order
            it.save(update_fields=["order"])


@transaction.atomic
def course_item_remove(*, item: CourseItem, actor: User) -> None:
    _require_trainer(actor)
    course = item.course
    item.delete()
    for order, it in enumerate(course.items.order_by("order", "id"), start=1):
        if it.order != order:
            it.order = order
            it.save(update_fields=["order"])


# --- Assignments and progress -------------------------------------------------------------
@transaction.atomic
def assignment_create(
    *,
    organisation: Organisation,
    actor: User,
    course: Course | None = None,
    drill: Drill | None = None,
    agent: User | None = None,
    team: Team | None = None,
    due_at: datetime | None = None,
) -> Assignment:
    """Assign a course or a drill to an agent or a team: one progress row per agent and item."""
    _require_trainer(actor)
    if (course is None) == (drill is None):
        raise DomainError(_("Assign either a course or a drill."), field="course")
    if (agent is None) == (team is None):
        raise DomainError(_("Assign to either an agent or a team."), field="agent")
    for obj in (course, drill, team, agent):
        if obj is not None and obj.organisation_id != organisation.pk:
            raise DomainError(_("Not found."), code="not_found")
    if agent is not None and agent.role != Role.AGENT:
        raise DomainError(_("Only agents can be assigned training."), field="agent")
    if course is not None and not course.items.exists():
        raise DomainError(_("Add items to the course before assigning it."), field="course")
    now = timezone.now()
    if due_at is not None and due_at < now:
        raise DomainError(_("The due date is in the past: choose a later date."), field="due_at")
    # Assignments of one agent or team are made one at a time, so the duplicate check holds.
    if agent is not None:
        User.objects.select_for_update().filter(pk=agent.pk).first()
    else:
        Team.objects.select_for_update().filter(pk=team.pk).first()
    current = _open_assignment(course=course, drill=drill, agent=agent, team=team, now=now)
    if current is not None:
        raise Conflict(_duplicate_message(current, agent=agent), field="agent" if agent else "team")
    assignment = Assignment.objects.create(
        organisation=organisation,
        course=course,
        drill=drill,
        agent=agent,
        team=team,
        due_at=due_at,
        created_by=actor,
    )
    agents = (
        [agent]
        if agent is not None
        else list(User.objects.filter(team=team, role=Role.AGENT, is_active=True))
    )
    items = list(course.items.all()) if course is not None else [None]
    AssignmentProgress.objects.bulk_create(
        [
            AssignmentProgress(assignment=assignment, agent=a, item=item, drill=drill)
            for a in agents
            for item in items
        ]
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="assignment.created",
        target=assignment,
        summary=f"{assignment.title} → {agent.name if agent else team.name}",
        after={
            "course": course.pk if course else None,
            "drill": drill.pk if drill else None,
            "agent": agent.pk if agent else None,
            "team": team.pk if team else None,
            "due_at": due_at.isoformat() if due_at else None,
        },
    )
    return assignment


def _not_past_due(now: datetime) -> Q:
    return Q(due_at__isnull=True) | Q(due_at__gte=now)


def _open_assignment(
    *,
    course: Course | None,
    drill: Drill | None,
    agent: User | None,
    team: Team | None,
    now: datetime,
) -> Assignment | None:
    """An assignment of the same course or drill the agent or team still has open: not past
    due and not completed. For an agent, one through its team counts too (the agent would see
    the course twice among its tasks); for a team, one not yet done by everyone in it."""
    same = (
        Assignment.objects.filter(course=course)
        if course
        else Assignment.objects.filter(drill=drill)
    )
    current = same.filter(_not_past_due(now)).order_by("due_at", "pk")
    if agent is not None:
        open_ids = set(
            AssignmentProgress.objects.filter(
                agent=agent, status=ProgressStatus.TO_DO, assignment__in=current
            ).values_list("assignment_id", flat=True)
        )
        return current.filter(pk__in=open_ids).first() if open_ids else None
    for assignment in current.filter(team=team).annotate(
        rows=Count("progress"),
        to_do=Count("progress", filter=Q(progress__status=ProgressStatus.TO_DO)),
    ):
        # a team without agents yet has no rows: the assignment still waits for them
        if assignment.rows == 0 or assignment.to_do:
            return assignment
    return None


def _duplicate_message(assignment: Assignment, *, agent: User | None) -> str:
    """Why an assignment is refused as a duplicate, in whole sentences (for the translators)."""
    who = "team" if agent is None else "through_team" if assignment.team_id else "agent"
    values = {"agent": agent.name if agent is not None else "", "title": assignment.title}
    if assignment.due_at is None:
        texts = {
            "team": _("This team already has “%(title)s” open. Assign it again once it is done."),
            "agent": _("%(agent)s already has “%(title)s” open. Assign it again once it is done."),
            "through_team": _(
                "%(agent)s already has “%(title)s” open through a team assignment. "
                "Assign it again once it is done."
            ),
        }
        return texts[who] % values
    values["due"] = timezone.localtime(assignment.due_at).date().isoformat()
    texts = {
        "team": _(
            "This team already has “%(title)s” open, due %(due)s. "
            "Assign it again once it is done or past due."
        ),
        "agent": _(
            "%(agent)s already has “%(title)s” open, due %(due)s. "
            "Assign it again once it is done or past due."
        ),
        "through_team": _(
            "%(agent)s already has “%(title)s” open through a team assignment, due %(due)s. "
            "Assign it again once it is done or past due."
        ),
    }
    return texts[who] % values


def team_assignments_extend(*, agent: User) -> int:
    """Give an agent who joined a team (or became an active agent in one) the team's current
    assignments: those not yet past due, one progress row per item. Rows the agent already has
    are kept as they are. Returns the number of rows created."""
    if agent.role != Role.AGENT or not agent.is_active or agent.team_id is None:
        return 0
    assignments = (
        Assignment.objects.filter(organisation_id=agent.organisation_id, team_id=agent.team_id)
        .filter(_not_past_due(timezone.now()))
        .prefetch_related("course__items")
    )
    rows = [
        AssignmentProgress(assignment=assignment, agent=agent, item=item, drill=assignment.drill)
        for assignment in assignments
        for item in (assignment.course.items.all() if assignment.course_id else [None])
    ]
    before = AssignmentProgress.objects.filter(agent=agent).count()
    AssignmentProgress.objects.bulk_create(rows, ignore_conflicts=True)
    return AssignmentProgress.objects.filter(agent=agent).count() - before


@transaction.atomic
def progress_mark_studied(*, agent: User, item: CourseItem) -> int:
    """The agent studied an article or case of a course: done in every assignment holding it."""
    if item.kind == ItemKind.SCENARIO:
        raise DomainError(_("A scenario item completes when you pass it in practice."))
    return AssignmentProgress.objects.filter(
        agent=agent, item=item, status=ProgressStatus.TO_DO
    ).update(status=ProgressStatus.DONE, completed_at=timezone.now())


@transaction.atomic
def progress_mark_drill_done(*, agent: User, drill: Drill) -> int:
    """An assigned article or case drill is done when the agent marks it studied."""
    if drill.scenario_id:
        raise DomainError(_("A practice drill completes when you pass it in practice."))
    return AssignmentProgress.objects.filter(
        agent=agent, drill=drill, status=ProgressStatus.TO_DO
    ).update(status=ProgressStatus.DONE, completed_at=timezone.now())


def progress_update_for_scorecard(*, scorecard: Scorecard) -> int:
    """Scenario items and practice drills of the agent's assignments: best score, and done once
    a scorecard of that scenario (finished after the assignment) reaches the pass mark."""
    conversation = scorecard.conversation
    now = timezone.now()
    if (
        conversation.scenario_id is None
        or conversation.agent_id is None
        or scorecard.overall is None
        or not scorecard.is_current
        or scorecard.status not in ("scored", "needs_review", "reviewed")
    ):
        return 0
    rows = (
        AssignmentProgress.objects.filter(
            agent_id=conversation.agent_id,
            assignment__created_at__lte=conversation.finished_at or scorecard.scored_at or now,
        )
        .filter(
            Q(item__scenario_id=conversation.scenario_id)
            | Q(drill__scenario_id=conversation.scenario_id)
        )
        .select_related("item")
    )
    changed = 0
    with transaction.atomic():
        for row in rows.select_for_update(of=("self",)):
            best = max(row.best_score or 0.0, scorecard.overall)
            pass_mark = row.item.pass_mark if row.item_id else 60
            fields = []
            if row.best_score != best:
                row.best_score = best
                fields.append("best_score")
            if (
                row.status != ProgressStatus.DONE
                and scorecard.overall >= pass_mark
                and scorecard.passed is not False
            ):
                row.status = ProgressStatus.DONE
                row.completed_at = conversation.finished_at or scorecard.scored_at or timezone.now()
                fields += ["status", "completed_at"]
            if fields:
                row.save(update_fields=fields)
                changed += 1
    return changed


def nightly_check(*, organisation: Organisation | None = None) -> dict:
    """The nightly job: rebuild each organisation that has agents (or the one given)."""
    organisations = (
        [organisation]
        if organisation is not None
        else list(
            Organisation.objects.annotate(
                agents=Count("users", filter=Q(users__role=Role.AGENT))
            ).filter(agents__gt=0)
        )
    )
    return {org.slug: coaching_rebuild(organisation=org) for org in organisations}
