"""Scoring rules that hold whoever scored the criteria: the offline scorer or the LLM judge.

Both paths hand their criteria (plain dicts) and findings to :func:`criteria_finalise`, and
compute the overall score with :func:`overall_score`, so a scorecard means the same whichever
provider produced it:

* A turn that carries a compliance finding is never positive evidence: it is dropped from the
  evidence of every criterion but the compliance one (where it is the reason for a low score).
* A breach pulls down the criterion of the skill it belongs to (:data:`RULE_SKILLS`): promising a
  guaranteed return is bad product explanation, a false deadline is a bad close. A serious breach
  caps the criterion at :data:`SERIOUS_RATIO` of its maximum, a general one at
  :data:`GENERAL_RATIO`. A criterion whose only evidence was a breach is capped the same way.
* Objection handling is *not applicable* when the customer raised no objection: it keeps its
  weight in the rubric but is left out of the overall score, with a rationale that says so. A
  customer who raised nothing gives no evidence of how the agent handles objections, good or bad.

Pure Python: no Django import (the evaluation command and the benchmarks use it too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from practice.scoring import lexicon as lx

PASS_MARK = 60.0
# With a serious finding the overall score stays below the pass mark.
SERIOUS_CAP = 59.0
SERIOUS_RATIO = 0.4
GENERAL_RATIO = 0.6

# The skills a breach of each rule shows bad work in, besides compliance itself.
RULE_SKILLS: dict[str, tuple[str, ...]] = {
    "guaranteed_return": ("product",),
    "deposit_confusion": ("product",),
    "exaggerated_coverage": ("product",),
    "concealed_exclusions": ("product",),
    "regulator_endorsement": ("product",),
    "competitor_disparagement": ("objection",),
    "false_urgency": ("closing",),
    "improper_benefit": ("closing",),
    "proxy_signature": ("closing",),
    "premium_handling": ("closing",),
}

# Built-in rule titles for rationales when the caller has none (the seed's own titles).
_BUILTIN_TITLES: dict[str, tuple[str, str]] = {}


def _builtin_titles() -> dict[str, tuple[str, str]]:
    if not _BUILTIN_TITLES:
        from knowledge.vocabulary import RULES  # plain data, no models

        _BUILTIN_TITLES.update({code: (zh, en) for code, _sev, zh, en, _basis in RULES})
    return _BUILTIN_TITLES


def rule_title(code: str, language: str, titles: Mapping[str, str] | None = None) -> str:
    if titles and titles.get(code):
        return str(titles[code])
    pair = _builtin_titles().get(code)
    if pair:
        return pair[1] if language == "en" else pair[0]
    return code


def _t(language: str, zh: str, en: str) -> str:
    return en if language == "en" else zh


def plural(n: int, singular: str, plural_form: str) -> str:
    """English number agreement for rationales written in the conversation's language."""
    return singular if n == 1 else plural_form


def breach_turns(findings: Iterable[Mapping[str, Any]]) -> set[int]:
    return {f["turn"] for f in findings if isinstance(f.get("turn"), int)}


# -- objections ------------------------------------------------------------------------------

_CONCERN = re.compile(lx.CUSTOMER_CONCERN, re.IGNORECASE)


def customer_concern_turns(turns: Sequence[Mapping[str, str]]) -> list[int]:
    """Customer turns that voice an objection (price, timing, spouse, need, trust, returns)."""
    return [
        i
        for i, turn in enumerate(turns)
        if turn.get("speaker") == "customer" and _CONCERN.search(turn.get("text") or "")
    ]


def objections_raised(
    turns: Sequence[Mapping[str, str]], reveal: Mapping[str, Any] | None
) -> list[int]:
    """Turns where the customer raised an objection: the simulated customer's own record when
    there is one (practice), else the customer's words (imported calls)."""
    if reveal is not None and reveal.get("objections") is not None:
        return sorted(
            o["raised_turn"]
            for o in reveal.get("objections") or ()
            if isinstance(o.get("raised_turn"), int)
        )
    return customer_concern_turns(turns)


def not_applicable_rationale(language: str) -> str:
    return _t(
        language,
        "客户没有提出异议，本项不适用，不计入总分。",
        "The customer raised no objection, so this criterion does not apply and is left out "
        "of the overall score.",
    )


# -- the rules -------------------------------------------------------------------------------


def criteria_finalise(
    criteria: Sequence[Mapping[str, Any]],
    *,
    findings: Sequence[Mapping[str, Any]],
    objections: Sequence[int],
    language: str,
    rule_titles: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The criteria with the rules above applied (new dicts; the input is left untouched)."""
    breached = breach_turns(findings)
    by_skill: dict[str, list[Mapping[str, Any]]] = {}
    for finding in findings:
        for skill in RULE_SKILLS.get(finding.get("rule", ""), ()):
            by_skill.setdefault(skill, []).append(finding)
    sep = "" if language != "en" else " "
    result = []
    for criterion in criteria:
        item = {**criterion, "applicable": bool(criterion.get("applicable", True))}
        skill = item.get("skill", "")
        max_score = float(item.get("max_score") or 5)
        if skill == "objection" and not objections:
            item.update(
                applicable=False,
                score=0.0,
                evidence=[],
                rationale=not_applicable_rationale(language),
            )
            result.append(item)
            continue
        cited = []
        for entry in item.get("evidence") or []:
            if entry not in cited:  # the same quote cited twice says nothing more
                cited.append(entry)
        item["evidence"] = cited
        if skill != "compliance":
            kept = [e for e in cited if e.get("turn") not in breached]
            item["evidence"] = kept
        else:
            kept = cited
        notes = []
        cap = 1.0
        related = by_skill.get(skill, []) if skill != "compliance" else []
        if related:
            serious = any(f.get("severity") == "serious" for f in related)
            cap = SERIOUS_RATIO if serious else GENERAL_RATIO
            names = list(
                dict.fromkeys(rule_title(f.get("rule", ""), language, rule_titles) for f in related)
            )
            turns = sorted({f["turn"] for f in related if isinstance(f.get("turn"), int)})
            where = " ".join(f"#{t}" for t in turns)
            listed = _t(language, "、", ", ").join(names)
            notes.append(
                _t(
                    language,
                    f"存在违规表述（{listed}{'，' + where if where else ''}），本项最高 "
                    f"{cap * max_score:g} 分。",
                    f"A violation ({listed}{', ' + where if where else ''}) limits this "
                    f"criterion to {cap * max_score:g}.",
                )
            )
        elif cited and not kept:
            cap = SERIOUS_RATIO
            notes.append(
                _t(
                    language,
                    f"唯一的依据是违规表述，本项最高 {cap * max_score:g} 分。",
                    f"The only evidence was a violating statement; at most {cap * max_score:g}.",
                )
            )
        score = max(0.0, min(max_score, float(item.get("score") or 0)))
        if score > cap * max_score:
            score = round(cap * max_score, 1)
        item["score"] = score
        if notes:
            rationale = str(item.get("rationale") or "").strip()
            if rationale and language != "en" and not rationale.endswith(("。", "！", "？")):
                rationale += "。"
            item["rationale"] = sep.join(p for p in (rationale, *notes) if p)
        result.append(item)
    return result


def overall_score(criteria: Iterable[Any], *, serious: bool) -> tuple[float | None, bool | None]:
    """Overall 0-100 (a whole number) and pass: the weighted mean over the applicable criteria,
    capped below the pass mark by a serious finding. Criteria are dicts or objects with weight, score, max_score
    and (optionally) applicable."""

    def get(c: Any, key: str, default: Any = None) -> Any:
        return c.get(key, default) if isinstance(c, Mapping) else getattr(c, key, default)

    criteria = list(criteria)
    if not criteria:
        return None, None
    counted = [c for c in criteria if get(c, "applicable", True) is not False]
    total = sum(float(get(c, "weight") or 0) for c in counted)
    if total <= 0:
        overall = 0.0
    else:
        mean = sum(
            float(get(c, "weight") or 0)
            * (float(get(c, "score") or 0) / float(get(c, "max_score")))
            for c in counted
            if get(c, "max_score")
        )
        # A whole number, rounded half up: what every page shows is what the pass is decided
        # on (59.6 would show as 60 yet fail).
        overall = float(math.floor(round(100.0 * mean / total, 6) + 0.5))
    if serious:
        overall = min(overall, SERIOUS_CAP)
    return overall, overall >= PASS_MARK and not serious
