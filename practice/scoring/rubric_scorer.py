"""The offline scorer: compliance findings, checkpoints, rubric criteria and talk metrics of one
conversation, each criterion with a rationale and evidence quoted from the conversation.

Criteria are scored from what the agent observably did, by the criterion's skill: the same
detector that finds compliance breaches finds the SOP checkpoints; the persona engine's reading of
an agent message (questions, topics, resolution moves, empathy, pressure) measures discovery,
objection handling and rapport. Text that tries to instruct a grader is removed before criteria
are scored, so it can never raise a score; it is flagged instead.

A turn that breaks a compliance rule never counts as good work (no product point, no objection
answer, no empathy, no close is credited from it), and :mod:`practice.scoring.policy` then applies
the rules the LLM judge's criteria obey too: no breach as evidence, breaches cap the criterion of
their skill, objection handling does not apply when the customer raised no objection.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from practice.persona.understanding import analyse as read_agent_message
from practice.scoring import detector, policy
from practice.scoring.detector import Analysis, analyse_dialogue
from practice.scoring.policy import PASS_MARK, SERIOUS_CAP, plural

__all__ = ["PASS_MARK", "SCORER_VERSION", "SERIOUS_CAP", "ScoreResult", "score_dialogue"]

SCORER_VERSION = "offline-2026.12"


@dataclass
class CriterionResult:
    code: str
    skill: str
    title: str
    weight: float
    score: float
    max_score: float
    rationale: str
    evidence: list[dict] = field(default_factory=list)
    # False: nothing in the conversation to score it on; left out of the overall score.
    applicable: bool = True


@dataclass
class ScoreResult:
    overall: float
    passed: bool
    criteria: list[CriterionResult]
    findings: list[dict]
    checkpoints: list[dict]
    metrics: dict
    flags: list[dict]
    reached_close: bool = False
    # Turns where the customer raised an objection (policy.objections_raised).
    objections: list[int] = field(default_factory=list)


def _t(language: str, zh: str, en: str) -> str:
    return en if language == "en" else zh


def is_grader_instruction(text: str) -> bool:
    return bool(detector.find_grader_instructions([{"speaker": "agent", "text": text}]))


def strip_grader_text(text: str) -> str:
    """The turn without the sentences (or bracketed notes) that address a grader."""
    pieces = re.split(r"(\[[^\]]*\]|【[^】]*】|\([^)]*\)|（[^）]*）)", text)
    kept = []
    for piece in pieces:
        if not piece:
            continue
        if is_grader_instruction(piece):
            continue
        sentences = re.split(r"(?<=[。！？!?.])\s*", piece)
        kept.append("".join(s for s in sentences if not is_grader_instruction(s)))
    return "".join(kept).strip()


def _metrics(turns: Sequence[Mapping[str, str]], readings: dict[int, object]) -> dict:
    agent_chars = sum(len(t["text"]) for t in turns if t["speaker"] == "agent")
    total_chars = sum(len(t["text"]) for t in turns) or 1
    longest = max((len(t["text"]) for t in turns if t["speaker"] == "agent"), default=0)
    return {
        "turns": len(turns),
        "agent_turns": sum(1 for t in turns if t["speaker"] == "agent"),
        "agent_talk_share": round(agent_chars / total_chars, 3),
        # Every question, counted as the discovery criterion counts its own (per sentence; a
        # sentence asking two things is two), so the metric never shows fewer than it does.
        "questions_asked": sum(
            max(
                detector.question_count(t["text"]),
                sum(n for *_span, n in detector.discovery_questions(t["text"])),
            )
            for t in turns
            if t["speaker"] == "agent"
        ),
        "open_questions": sum(1 for r in readings.values() if r.open_question),
        "longest_monologue": longest,
    }


def _evidence(turns: Sequence[Mapping[str, str]], index: int | None, quote: str = "") -> list[dict]:
    if index is None or index < 0 or index >= len(turns):
        return []
    text = turns[index]["text"]
    if not quote or quote not in text:
        quote = text if len(text) <= 80 else text[:80]
    return [{"turn": index, "quote": quote}]


def score_dialogue(
    turns: Sequence[Mapping[str, str]],
    *,
    rubric: Sequence[Mapping],
    language: str,
    product_type: str | None = None,
    persona_reveal: Mapping | None = None,
    extra_flags: Sequence[dict] = (),
    rule_titles: Mapping[str, str] | None = None,
) -> ScoreResult:
    """Score one conversation. ``persona_reveal`` (practice) is the simulated customer's record
    with transcript turn numbers; ``rule_titles`` name rules in rationales (built-in titles
    otherwise)."""
    analysis: Analysis = analyse_dialogue(turns, language=language, product_type=product_type)
    flags = [{"code": f.code, "turn": f.turn, "detail": f.detail} for f in analysis.flags]
    flags.extend(extra_flags)
    flagged = {f["turn"] for f in flags if f["code"] == "grader_instruction"}
    clean_turns = [
        {**t, "text": strip_grader_text(t["text"])} if i in flagged else dict(t)
        for i, t in enumerate(turns)
    ]
    readings = {
        i: read_agent_message(t["text"])
        for i, t in enumerate(clean_turns)
        if t["speaker"] == "agent"
    }
    findings = [
        {
            "rule": f.rule,
            "severity": f.severity,
            "turn": f.turn,
            "quote": f.quote,
            "confidence": round(f.confidence, 3),
        }
        for f in analysis.findings
    ]
    checkpoints = [
        {"code": code, "reached": hit.reached, "turn": hit.turn, "quote": hit.quote}
        for code, hit in analysis.checkpoints.items()
    ]
    raised = policy.objections_raised(clean_turns, persona_reveal)
    context = _Context(clean_turns, readings, analysis, findings, language, persona_reveal, raised)
    scored = [vars(context.score(criterion)) for criterion in rubric]
    criteria = [
        CriterionResult(**c)
        for c in policy.criteria_finalise(
            scored,
            findings=findings,
            objections=raised,
            language=language,
            rule_titles=rule_titles,
        )
    ]
    serious = any(f["severity"] == "serious" for f in findings)
    overall, passed = policy.overall_score(criteria, serious=serious)
    return ScoreResult(
        overall=overall if overall is not None else 0.0,
        passed=bool(passed),
        criteria=criteria,
        findings=findings,
        checkpoints=checkpoints,
        metrics=_metrics(clean_turns, readings),
        flags=flags,
        reached_close=analysis.reached_close,
        objections=raised,
    )


class _Context:
    def __init__(self, turns, readings, analysis: Analysis, findings, language, reveal, raised):
        self.turns = turns
        self.readings = readings
        self.analysis = analysis
        self.findings = findings
        self.language = language
        self.reveal = reveal or {}
        self.raised = list(raised)
        breached = policy.breach_turns(findings)
        # What the agent did well is read only from turns that broke no rule.
        self.good = {i: r for i, r in readings.items() if i not in breached}

    def t(self, zh: str, en: str) -> str:
        return _t(self.language, zh, en)

    def cp(self, code: str):
        return self.analysis.checkpoints.get(code)

    def score(self, criterion: Mapping) -> CriterionResult:
        skill = criterion.get("skill", "")
        max_score = float(criterion.get("max_score") or 5)
        method = getattr(self, f"_{skill}", self._generic)
        ratio, rationale, evidence = method()
        ratio = max(0.0, min(1.0, ratio))
        title = criterion.get(f"title_{'en' if self.language == 'en' else 'zh'}") or criterion.get(
            "code", skill
        )
        return CriterionResult(
            code=criterion.get("code", skill),
            skill=skill,
            title=title,
            weight=float(criterion.get("weight") or 0),
            score=round(ratio * max_score, 1),
            max_score=max_score,
            rationale=rationale,
            evidence=evidence,
        )

    def _agent_before(self, index: int) -> int | None:
        """The agent turn at or before ``index`` (the message a customer turn answers)."""
        for i in range(min(index, len(self.turns) - 1), -1, -1):
            if self.turns[i]["speaker"] == "agent":
                return i
        return None

    def _agent_after(self, index: int) -> int | None:
        for i in range(index + 1, len(self.turns)):
            if self.turns[i]["speaker"] == "agent":
                return i
        return None

    # -- per skill -----------------------------------------------------------------------------
    def _opening(self):
        identity = self.cp("identity_disclosed")
        first_agent = min(self.readings, default=None)
        greeted = first_agent is not None and (
            self.readings[first_agent].greeting or self.readings[first_agent].identity
        )
        if identity and identity.reached:
            ratio = 1.0 if greeted else 0.8
            return (
                ratio,
                self.t(
                    "开场表明了本人姓名和公司，建立了沟通基础。",
                    "Opened by stating name and company.",
                ),
                _evidence(self.turns, identity.turn, identity.quote),
            )
        if greeted:
            return (
                0.4,
                self.t(
                    "有问候，但没有完整表明姓名和公司/执业证号。",
                    "Greeted the customer but did not give both name and company or licence.",
                ),
                _evidence(self.turns, first_agent),
            )
        return (
            0.1,
            self.t("开场没有表明身份和来意。", "The opening gave no identity or purpose."),
            [],
        )

    def _discovery(self):
        # The questions the needs_discovery checkpoint counts, and no others: the criterion and
        # the checkpoint never disagree about what was asked.
        asked = []
        for i, turn in enumerate(self.turns):
            if turn["speaker"] != "agent":
                continue
            text = turn["text"]
            for start, end, n in detector.discovery_questions(text):
                sentence = text[start:end].strip()
                asked.append((i, sentence, n, read_agent_message(sentence).open_question))
        questions = sum(n for _i, _q, n, _o in asked)
        open_questions = sum(1 for *_rest, is_open in asked if is_open)
        completeness = self.reveal.get("discovery_completeness")
        by_questions = min(1.0, (questions + 0.5 * open_questions) / 4.0)
        ratio = (
            by_questions if completeness is None else 0.5 * by_questions + 0.5 * float(completeness)
        )
        evidence = [e for i, quote, _n, _o in asked[:3] for e in _evidence(self.turns, i, quote)]
        checkpoint = self.cp("needs_discovery")
        reached = bool(checkpoint and checkpoint.reached)
        parts = []
        if completeness is not None:
            parts.append(
                self.t(
                    f"发现了客户 {round(100 * completeness)}% 的隐藏信息与需求",
                    f"Uncovered {round(100 * completeness)}% of the customer's hidden facts "
                    "and needs",
                )
            )
        parts.append(
            self.t(
                f"提出了 {questions} 个了解客户情况的问题（其中开放式 {open_questions} 个）",
                f"{'asked' if parts else 'Asked'} {questions} "
                f"{plural(questions, 'question', 'questions')} about the customer's situation "
                f"({open_questions} open)",
            )
        )
        if reached:
            parts.append(
                self.t(
                    f"达到“需求了解”节点（#{checkpoint.turn}）",
                    f"the “Needs explored” checkpoint was reached (#{checkpoint.turn})",
                )
            )
        else:
            parts.append(
                self.t(
                    "未达到“需求了解”节点（至少需要两个这样的问题）",
                    "the “Needs explored” checkpoint was not reached (it needs at least two)",
                )
            )
        return ratio, self._sentence(parts), evidence

    def _sentence(self, parts: list[str]) -> str:
        sep = "；" if self.language != "en" else "; "
        text = sep.join(p for p in parts if p)
        if not text:
            return text
        return text[0].upper() + text[1:] + ("。" if self.language != "en" else ".")

    def _product(self):
        exclusions = self.cp("exclusions_explained")
        explained = [i for i, r in self.good.items() if r.product_topics]
        ratio = 0.3 * min(1.0, len(explained) / 2.0)
        evidence = []
        parts = []
        if exclusions and exclusions.reached:
            ratio += 0.5
            evidence += _evidence(self.turns, exclusions.turn, exclusions.quote)
            parts.append(
                self.t("讲明了责任免除或等待期", "explained an exclusion or the waiting period")
            )
        else:
            parts.append(
                self.t(
                    "没有讲清任何责任免除或等待期",
                    "did not explain any exclusion or waiting period",
                )
            )
        if explained:
            evidence += _evidence(self.turns, explained[0])
            parts.append(
                self.t(
                    f"讲解产品要点 {len(explained)} 次",
                    f"covered product points {len(explained)} "
                    f"{plural(len(explained), 'time', 'times')}",
                )
            )
        if explained or (exclusions and exclusions.reached):
            ratio += 0.2
        # A breach that misrepresents the product caps this criterion (policy.RULE_SKILLS).
        return ratio, self._sentence(parts), evidence

    def _objection(self):
        if not self.raised:
            return 0.0, policy.not_applicable_rationale(self.language), []
        objections = self.reveal.get("objections")
        later = [i for i in self.good if i > self.raised[0]]
        with_empathy = any(self.good[i].empathy or "empathy" in self.good[i].moves for i in later)
        if objections is not None:
            raised = [o for o in objections if o.get("raised_turn") is not None]
            resolved = [o for o in raised if o.get("resolved_turn") is not None]
            ratio = len(resolved) / len(raised) if raised else 0.0
            if with_empathy:
                ratio = min(1.0, ratio + 0.1)
            answers = [self._agent_before(o["resolved_turn"]) for o in resolved]
            answers = [i for i in dict.fromkeys(answers) if i is not None and i in self.good]
            evidence = [e for i in answers[:2] for e in _evidence(self.turns, i)]
            return (
                ratio,
                self.t(
                    f"客户提出 {len(raised)} 个异议，化解了 {len(resolved)} 个。",
                    f"The customer raised {len(raised)} "
                    f"{plural(len(raised), 'objection', 'objections')}; "
                    f"{len(resolved)} resolved.",
                ),
                evidence,
            )
        # An imported call: each concern the customer voiced, and the agent's next message.
        concerns = self.raised
        replies = [self._agent_after(i) for i in concerns]
        answered = [
            i
            for i in dict.fromkeys(replies)
            if i is not None and i in self.good and self.good[i].moves - {"empathy"}
        ]
        ratio = min(1.0, len(answered) / len(concerns) + (0.1 if with_empathy else 0.0))
        evidence = [e for i in answered[:2] for e in _evidence(self.turns, i)]
        return (
            ratio,
            self.t(
                f"客户提出 {len(concerns)} 次顾虑，其中 {len(answered)} 次得到有针对性的回应。",
                f"The customer voiced {len(concerns)} "
                f"{plural(len(concerns), 'concern', 'concerns')}; {len(answered)} got a "
                "targeted answer.",
            ),
            evidence,
        )

    def _compliance(self):
        serious = [f for f in self.findings if f["severity"] == "serious"]
        general = [f for f in self.findings if f["severity"] != "serious"]
        ratio = 1.0 - 0.5 * len(serious) - 0.2 * len(general)
        cooling = self.cp("cooling_off_disclosed")
        duty = self.cp("disclosure_duty_reminded")
        evidence = [
            {"turn": f["turn"], "quote": f["quote"]} for f in self.findings if f["turn"] is not None
        ][:3]
        parts = []
        if self.findings:
            parts.append(
                self.t(
                    f"发现 {len(serious)} 项严重、{len(general)} 项一般违规",
                    f"violations found: {len(serious)} serious, {len(general)} general",
                )
            )
        else:
            parts.append(self.t("没有发现违规表述", "no violating statements"))
        missing = []
        if not (cooling and cooling.reached):
            missing.append(self.t("犹豫期", "cooling-off period"))
            ratio -= 0.15
        elif cooling.turn is not None:
            evidence += _evidence(self.turns, cooling.turn, cooling.quote)
        if not (duty and duty.reached):
            missing.append(self.t("如实告知", "duty of disclosure"))
            ratio -= 0.15
        if missing:
            parts.append(self.t("未提示" + "、".join(missing), "not told: " + ", ".join(missing)))
        return ratio, self._sentence(parts), evidence

    def _closing(self):
        next_step = self.cp("next_step_agreed")
        closes = [i for i, r in self.good.items() if r.closing]
        pressure = sum(r.pressure for r in self.readings.values())
        ratio = 0.0
        evidence = []
        if next_step and next_step.reached:
            ratio += 0.7
            evidence += _evidence(self.turns, next_step.turn, next_step.quote)
        if closes:
            ratio += 0.3
            if not next_step or next_step.turn != closes[-1]:
                evidence += _evidence(self.turns, closes[-1])
        if pressure:
            ratio -= 0.15 * pressure
        if next_step and next_step.reached:
            rationale = self.t(
                "对话以明确的下一步结束。", "The conversation ended with a clear next step."
            )
        elif closes:
            rationale = self.t(
                "尝试促成，但没有约定明确的下一步。",
                "Tried to close but agreed no clear next step.",
            )
        else:
            rationale = self.t("没有促成，也没有约定下一步。", "No close and no next step.")
        if pressure:
            rationale += self.t(" 有施压表述。", " Used pressure.")
        return ratio, rationale, evidence

    def _rapport(self):
        empathy = [i for i, r in self.good.items() if r.empathy or "empathy" in r.moves]
        pressure = sum(r.pressure for r in self.readings.values())
        jargon = sum(r.jargon for r in self.readings.values())
        long_turns = [i for i, r in self.readings.items() if r.long_monologue]
        ratio = (
            0.5
            + 0.2 * min(len(empathy), 2)
            - 0.15 * pressure
            - 0.05 * jargon
            - 0.1 * len(long_turns)
        )
        evidence = [e for i in empathy[:2] for e in _evidence(self.turns, i)]
        rationale = self.t(
            f"共情回应 {len(empathy)} 次，施压 {pressure} 次，长篇独白 {len(long_turns)} 次。",
            f"Showed empathy {len(empathy)} {plural(len(empathy), 'time', 'times')}; "
            f"pressure cues: {pressure}; long monologues: {len(long_turns)}.",
        )
        return ratio, rationale, evidence

    def _generic(self):
        return (
            0.5,
            self.t(
                "该项没有可自动判断的依据，待人工复核。",
                "No automatic basis for this criterion; needs review.",
            ),
            [],
        )
