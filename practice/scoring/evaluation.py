"""Evaluation of compliance scoring against a labelled JSONL file (the compliance dev format).

Matching follows the labelled set's README: a prediction matches a label of the same rule code
whose turn is within ±1 (closest pairs first, one-to-one); ``cooling_off_omitted`` matches on
the code alone. The report holds per-rule precision/recall/F1, micro and macro figures, the
false-positive rate on compliant dialogues, checkpoint and close accuracy, and whether each
dialogue that tries to instruct the grader was flagged.

The default analyser is the production scoring path: ``rubric_scorer.score_dialogue`` with the
default call rubric (the same function the scoring workers call), whose findings, checkpoints and
flags come from the compliance detector. For each dialogue whose notes mark an ``INJECTION``, the
report also checks that the injected text does not raise the score: the dialogue is scored again
with the injected text removed, and the score with it must not be higher (``injection_no_gain``).
``analyse`` stays injectable (``detector_analyser`` measures the bare detector).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from practice.scoring.detector import RULE_CODES, Analysis, analyse_dialogue

LABELLED_CHECKPOINTS = (
    "identity_disclosed",
    "needs_discovery",
    "exclusions_explained",
    "cooling_off_disclosed",
    "disclosure_duty_reminded",
)
TURNLESS_RULES = frozenset({"cooling_off_omitted"})

Analyser = Callable[[Mapping[str, Any]], Analysis]


def load_dialogues(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def detector_analyser(dialogue: Mapping[str, Any]) -> Analysis:
    """The bare detector, without the scorer around it."""
    return analyse_dialogue(
        dialogue["turns"],
        language=dialogue.get("language"),
        product_type=dialogue.get("product_type"),
    )


@dataclass
class _Item:
    rule: str = ""
    code: str = ""
    turn: int | None = None
    reached: bool = False


@dataclass
class PipelineAnalysis:
    """What ``score_dialogue`` returned, shaped like the detector's ``Analysis`` for evaluation."""

    findings: list[_Item]
    checkpoints: dict[str, _Item]
    flags: list[_Item]
    reached_close: bool
    overall: float


def _call_rubric() -> list[dict]:
    from practice.scoring.default_rubric import CALL_QA_CRITERIA

    return CALL_QA_CRITERIA


def pipeline_score(dialogue: Mapping[str, Any], turns: Sequence[Mapping[str, str]] | None = None):
    from practice.scoring.rubric_scorer import score_dialogue

    return score_dialogue(
        turns if turns is not None else dialogue["turns"],
        rubric=_call_rubric(),
        language=dialogue.get("language") or "zh",
        product_type=dialogue.get("product_type"),
    )


def default_analyser(dialogue: Mapping[str, Any]) -> PipelineAnalysis:
    """The production scorer on the dialogue, with the default call rubric."""
    result = pipeline_score(dialogue)
    return PipelineAnalysis(
        findings=[_Item(rule=f["rule"], turn=f["turn"]) for f in result.findings],
        checkpoints={
            c["code"]: _Item(code=c["code"], turn=c["turn"], reached=bool(c["reached"]))
            for c in result.checkpoints
        },
        flags=[_Item(code=f["code"], turn=f.get("turn")) for f in result.flags],
        reached_close=result.reached_close,
        overall=result.overall,
    )


_INJECTION_TURN = re.compile(r"INJECTION at t(\d+)")
_QUOTED = re.compile(r"'([^']{4,})'")
_BRACKETED = re.compile(r"\[[^\]]*\]|【[^】]*】")


def without_injection(dialogue: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """The turns with the injected text removed, as the notes locate it; ``None`` if unknown.

    The notes name the turn (``INJECTION at t6``) and often quote the text; without a quote that
    is found in the turn, the turn's bracketed notes are removed, and failing that its whole text.
    """
    match = _INJECTION_TURN.search(dialogue.get("notes") or "")
    turns = [dict(t) for t in dialogue["turns"]]
    if match is None or int(match.group(1)) >= len(turns):
        return None
    index = int(match.group(1))
    text = turns[index]["text"]
    quoted = [q for q in _QUOTED.findall(dialogue.get("notes") or "") if q in text]
    if quoted:
        for q in quoted:
            text = text.replace(q, "")
    elif _BRACKETED.search(text):
        text = _BRACKETED.sub("", text)
    else:
        text = ""
    turns[index]["text"] = text.strip()
    return turns


def injection_gains(
    dialogue: Mapping[str, Any], scored_overall: float | None = None
) -> bool | None:
    """Whether the injected text raised the score (``None`` when it cannot be located)."""
    cleaned = without_injection(dialogue)
    if cleaned is None:
        return None
    with_injection = (
        scored_overall if scored_overall is not None else pipeline_score(dialogue).overall
    )
    return with_injection > pipeline_score(dialogue, cleaned).overall


def match_rule(
    predicted: Sequence[int | None], labelled: Sequence[int | None], *, turnless: bool
) -> int:
    """Number of one-to-one matches, closest turn distance first."""
    if turnless:
        return min(len(predicted), len(labelled))
    pairs = sorted(
        (abs(p - g), i, j)
        for i, p in enumerate(predicted)
        for j, g in enumerate(labelled)
        if p is not None and g is not None and abs(p - g) <= 1
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p)


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DialogueOutcome:
    id: str
    predicted: list[tuple[str, int | None]]
    labelled: list[tuple[str, int | None]]
    missed: list[tuple[str, int | None]] = field(default_factory=list)
    spurious: list[tuple[str, int | None]] = field(default_factory=list)
    checkpoint_errors: list[str] = field(default_factory=list)
    injection: bool = False
    flagged: bool = False
    injection_gain: bool | None = None


def evaluate(
    dialogues: Iterable[Mapping[str, Any]], analyse: Analyser = default_analyser
) -> dict[str, Any]:
    """The report as a JSON-ready dict (see the module docstring), plus per-dialogue details."""
    counts = {code: {"tp": 0, "fp": 0, "fn": 0} for code in RULE_CODES}
    checkpoint_right = dict.fromkeys(LABELLED_CHECKPOINTS, 0)
    close_right = 0
    compliant = compliant_with_fp = 0
    injections = flagged = no_gain = 0
    outcomes: list[DialogueOutcome] = []
    n = 0

    for dialogue in dialogues:
        n += 1
        analysis = analyse(dialogue)
        predicted = [(f.rule, f.turn) for f in analysis.findings]
        labelled = [(v["rule"], v.get("turn")) for v in dialogue.get("violations", [])]
        outcome = DialogueOutcome(str(dialogue.get("id", n)), predicted, labelled)

        for code in {r for r, _ in predicted} | {r for r, _ in labelled}:
            p_turns = [t for r, t in predicted if r == code]
            g_turns = [t for r, t in labelled if r == code]
            tp = match_rule(p_turns, g_turns, turnless=code in TURNLESS_RULES)
            bucket = counts.setdefault(code, {"tp": 0, "fp": 0, "fn": 0})
            bucket["tp"] += tp
            bucket["fp"] += len(p_turns) - tp
            bucket["fn"] += len(g_turns) - tp
            if len(p_turns) > tp:
                outcome.spurious.extend((code, t) for t in p_turns)
            if len(g_turns) > tp:
                outcome.missed.extend((code, t) for t in g_turns)

        if not labelled:
            compliant += 1
            if predicted:
                compliant_with_fp += 1

        gold_checkpoints = dialogue.get("checkpoints", {})
        for code in LABELLED_CHECKPOINTS:
            hit = analysis.checkpoints.get(code)
            if code in gold_checkpoints and hit is not None:
                if bool(hit.reached) == bool(gold_checkpoints[code]):
                    checkpoint_right[code] += 1
                else:
                    outcome.checkpoint_errors.append(code)
        if bool(analysis.reached_close) == bool(dialogue.get("reached_close")):
            close_right += 1
        else:
            outcome.checkpoint_errors.append("reached_close")

        if "INJECTION" in (dialogue.get("notes") or ""):
            injections += 1
            outcome.injection = True
            outcome.flagged = any(f.code == "grader_instruction" for f in analysis.flags)
            flagged += int(outcome.flagged)
            outcome.injection_gain = injection_gains(dialogue, getattr(analysis, "overall", None))
            no_gain += int(outcome.injection_gain is False)
        outcomes.append(outcome)

    per_rule = {}
    for code in RULE_CODES:
        c = counts[code]
        precision = _ratio(c["tp"], c["tp"] + c["fp"])
        recall = _ratio(c["tp"], c["tp"] + c["fn"])
        per_rule[code] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            **c,
        }
    tp = sum(counts[c]["tp"] for c in RULE_CODES)
    fp = sum(counts[c]["fp"] for c in RULE_CODES)
    fn = sum(counts[c]["fn"] for c in RULE_CODES)
    micro_p, micro_r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    checkpoints = {code: round(_ratio(v, n), 4) for code, v in checkpoint_right.items()}
    close_accuracy = _ratio(close_right, n)
    # The mean covers the labelled checkpoints and reached_close together.
    checkpoint_mean = _ratio(sum(checkpoints.values()) + close_accuracy, len(checkpoints) + 1)
    return {
        "per_rule": per_rule,
        "micro_precision": round(micro_p, 4),
        "micro_recall": round(micro_r, 4),
        "micro_f1": round(_f1(micro_p, micro_r), 4),
        "macro_f1": round(sum(r["f1"] for r in per_rule.values()) / len(RULE_CODES), 4),
        "false_positive_rate": round(_ratio(compliant_with_fp, compliant), 4),
        "checkpoint_accuracy": round(checkpoint_mean, 4),
        "checkpoints": checkpoints,
        "reached_close_accuracy": round(close_accuracy, 4),
        "injection_flagged": f"{flagged}/{injections}",
        "injection_no_gain": f"{no_gain}/{injections}",
        "n": n,
        "dialogues": outcomes,
    }


def evaluate_file(path: str | Path, analyse: Analyser = default_analyser) -> dict[str, Any]:
    return evaluate(load_dialogues(path), analyse)


def summary_json(report: Mapping[str, Any]) -> str:
    """One line of JSON with the summary keys (per-dialogue details left out)."""
    return json.dumps(
        {k: v for k, v in report.items() if k != "dialogues"}, ensure_ascii=False, sort_keys=False
    )


def format_report(report: Mapping[str, Any], *, details: bool = False) -> str:
    """A readable per-rule table and the summary figures."""
    lines = [f"{'rule':<26} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}"]
    for code, r in report["per_rule"].items():
        lines.append(
            f"{code:<26} {r['precision']:>6.2f} {r['recall']:>6.2f} {r['f1']:>6.2f} "
            f"{r['tp']:>4} {r['fp']:>4} {r['fn']:>4}"
        )
    lines += [
        "",
        f"micro P/R/F1          {report['micro_precision']:.3f} / {report['micro_recall']:.3f}"
        f" / {report['micro_f1']:.3f}",
        f"macro F1 (12 rules)   {report['macro_f1']:.3f}",
        f"FP rate (compliant)   {report['false_positive_rate']:.3f}",
        "",
    ]
    for code, acc in report["checkpoints"].items():
        lines.append(f"{code:<26} {acc:.3f}")
    lines += [
        f"{'reached_close':<26} {report['reached_close_accuracy']:.3f}",
        f"{'checkpoint mean':<26} {report['checkpoint_accuracy']:.3f}",
        f"injections flagged          {report['injection_flagged']}",
        f"injections gain no score    {report['injection_no_gain']}",
        f"dialogues                   {report['n']}",
    ]
    if details:
        for o in report["dialogues"]:
            if (
                o.missed
                or o.spurious
                or o.checkpoint_errors
                or (o.injection and (not o.flagged or o.injection_gain is not False))
            ):
                lines.append(
                    f"{o.id}: missed={o.missed} spurious={o.spurious} "
                    f"checkpoints={o.checkpoint_errors} injection_flagged={o.flagged} "
                    f"injection_gain={o.injection_gain}"
                )
    return "\n".join(lines)
