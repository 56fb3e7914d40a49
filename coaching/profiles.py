"""The arithmetic of coaching, as pure functions: recency-weighted skill scores with a trend,
and the open/close rule of weaknesses. No database here; ``coaching.services`` feeds them.

A skill observation is the share of the maximum an agent reached on the criteria of that skill
in one conversation (0..1). Older conversations count less: a conversation ``half_life_days``
old weighs half of one from today.

A weakness opens when the agent fell short in K of the last N scored conversations. Skills also
open (and stay open) while the recency-weighted score the profile shows is below the threshold,
so the profile and the weaknesses never disagree. Compliance rules are discrete events: they
count over a longer window, and a serious rule needs fewer repeats than a general one. A
weakness closes when the last M conversations recovered *and* the rule that opened it no
longer holds (hysteresis: no open/close flapping on every other conversation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

DEFAULTS = {
    "half_life_days": 30.0,  # recency weighting of skill scores
    "min_n": 3,  # below this many conversations a score is "not enough data"
    "trend_window": 5,  # recent window vs the window before it
    "skill_threshold": 0.6,  # a skill below 60 % of its maximum is a shortfall
    "weakness_k": 3,  # a weakness opens after K shortfalls …
    "weakness_n": 5,  # … among the last N scored conversations
    "recover_m": 3,  # and closes when the last M recovered
    "rule_n": 10,  # compliance rules: violations are counted among the last N conversations …
    "rule_k": 3,  # … a general rule opens after K of them …
    "serious_k": 2,  # … a serious rule already after this many
    "effect_min_agents": 2,  # measured drill effects count from this many agents on
}


@dataclass(frozen=True)
class CoachingConfig:
    half_life_days: float = DEFAULTS["half_life_days"]
    min_n: int = DEFAULTS["min_n"]
    trend_window: int = DEFAULTS["trend_window"]
    skill_threshold: float = DEFAULTS["skill_threshold"]
    weakness_k: int = DEFAULTS["weakness_k"]
    weakness_n: int = DEFAULTS["weakness_n"]
    recover_m: int = DEFAULTS["recover_m"]
    rule_n: int = DEFAULTS["rule_n"]
    rule_k: int = DEFAULTS["rule_k"]
    serious_k: int = DEFAULTS["serious_k"]
    effect_min_agents: int = DEFAULTS["effect_min_agents"]

    @classmethod
    def from_settings(cls, overrides: dict | None) -> CoachingConfig:
        """Defaults overridden by an organisation's ``coaching_settings``; junk is ignored."""
        values = {}
        for field in fields(cls):
            raw = (overrides or {}).get(field.name)
            if raw is None or isinstance(raw, bool):
                continue
            kind = float if isinstance(DEFAULTS[field.name], float) else int
            try:
                value = kind(raw)
            except (TypeError, ValueError):
                continue
            if value > 0:
                values[field.name] = value
        config = cls(**values)
        # K above N could never open a weakness: cap it.
        capped = {
            name: min(getattr(config, name), window)
            for name, window in (
                ("weakness_k", config.weakness_n),
                ("rule_k", config.rule_n),
                ("serious_k", config.rule_n),
            )
        }
        return cls(**{**values, **capped})


@dataclass(frozen=True)
class Observation:
    at: datetime
    value: float  # 0..1


@dataclass(frozen=True)
class ProfileFigures:
    score: float | None  # 0-100, None when n < min_n
    trend: float | None  # points: recent window minus the window before, None when unknown
    n: int


def decay_weight(age_days: float, half_life_days: float) -> float:
    return 0.5 ** (max(age_days, 0.0) / half_life_days)


def weighted_score(
    observations: Sequence[Observation], *, now: datetime, half_life_days: float
) -> float | None:
    """Recency-weighted mean of the observations on 0-100, or None without observations."""
    total = weight_sum = 0.0
    for item in observations:
        weight = decay_weight((now - item.at).total_seconds() / 86400.0, half_life_days)
        total += weight * item.value
        weight_sum += weight
    if weight_sum <= 0:
        return None
    return round(100.0 * total / weight_sum, 1)


def trend(observations: Sequence[Observation], *, window: int) -> float | None:
    """Mean of the latest ``window`` observations minus the mean of the ``window`` before them
    (points on 0-100); None until both windows have at least two observations."""
    ordered = sorted(observations, key=lambda o: o.at)
    recent = ordered[-window:]
    earlier = ordered[-2 * window : -window] if len(ordered) > window else []
    if len(recent) < 2 or len(earlier) < 2:
        return None
    mean = lambda items: sum(o.value for o in items) / len(items)  # noqa: E731
    return round(100.0 * (mean(recent) - mean(earlier)), 1)


def profile_figures(
    observations: Sequence[Observation], *, now: datetime, config: CoachingConfig
) -> ProfileFigures:
    n = len(observations)
    if n < config.min_n:
        return ProfileFigures(score=None, trend=None, n=n)
    return ProfileFigures(
        score=weighted_score(observations, now=now, half_life_days=config.half_life_days),
        trend=trend(observations, window=config.trend_window),
        n=n,
    )


def running_levels(observations: Sequence[Observation], *, half_life_days: float) -> list[float]:
    """The recency-weighted mean (0..1) after each observation, oldest first: what
    :func:`weighted_score` gives once that observation is the latest. One pass."""
    levels: list[float] = []
    total = weight = 0.0
    previous = None
    for item in sorted(observations, key=lambda o: o.at):
        if previous is not None:
            decay = decay_weight((item.at - previous).total_seconds() / 86400.0, half_life_days)
            total, weight = total * decay, weight * decay
        total += item.value
        weight += 1.0
        previous = item.at
        levels.append(total / weight)
    return levels


def below_threshold(level: float | None, n: int, config: CoachingConfig) -> bool:
    """Is a skill level (0..1) over ``n`` conversations low, as the profile would show it?
    Compared on the displayed 0-100 scale, and never while the data is thin."""
    if level is None or n < config.min_n:
        return False
    return round(100.0 * level, 1) < round(100.0 * config.skill_threshold, 1)


def weakness_decision(
    shortfalls: Sequence[bool],
    *,
    is_open: bool,
    since_open: int,
    config: CoachingConfig,
    k: int | None = None,
    n: int | None = None,
    low: bool = False,
) -> str | None:
    """What to do with one weakness given the outcomes of the agent's scored conversations,
    oldest first (True = fell short). ``since_open``: how many of them came after it opened.
    ``k`` of the last ``n`` open it (default: the skill thresholds ``weakness_k`` of
    ``weakness_n``); ``low``: the recency-weighted level is below the threshold right now.

    Returns "open", "close" or None (leave as is).
    """
    k = k or config.weakness_k
    n = n or config.weakness_n
    failing = low or sum(shortfalls[-n:]) >= k
    if is_open:
        recent = list(shortfalls[-config.recover_m :])
        if (
            since_open >= config.recover_m
            and len(recent) >= config.recover_m
            and not any(recent)
            and not failing
        ):
            return "close"
        return None
    return "open" if failing else None


# A missed checkpoint that is by definition the finding of a rule (the scorer reports
# ``cooling_off_omitted`` exactly when the customer agreed without the cooling-off period having
# been disclosed): one problem, so one weakness, kept under the rule, whose name says what went
# wrong. Other checkpoint/rule pairs (exclusions not explained vs concealed; disclosure duty not
# reminded vs induced non-disclosure) are different behaviours and stay apart.
SAME_PROBLEM: dict[tuple[str, str], tuple[str, str]] = {
    ("checkpoint", "cooling_off_disclosed"): ("rule", "cooling_off_omitted"),
}


def weakness_key(kind: str, code: str) -> tuple[str, str]:
    """The (kind, code) a shortfall is tracked under as a weakness."""
    return SAME_PROBLEM.get((kind, code), (kind, code))
