"""Offline, deterministic compliance and checkpoint detector for sales dialogues.

This is the default scorer's core when no LLM endpoint is configured, and the real-time first
pass that warns an agent during practice. For every agent turn it looks for the twelve
compliance rules by meaning: concept patterns in Chinese and English, guarded against negation
("不是存款", "not guaranteed"), corrections of what the customer believes, and quotations, and
supported by a character n-gram similarity to the team's own exemplar sentences. Rules that
depend on what was asked (dodging an exclusion question, steering a declaration, taking the
premium) read the customer's previous turn. At the dialogue level it finds whether the
conversation reached a close, which SOP checkpoints were reached and where, the
``cooling_off_omitted`` rule, and agent text that tries to instruct an automated grader (a flag,
never a change to findings).

Pure Python: no Django import, so it runs in workers, tests and the evaluation command alike.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from practice.scoring import lexicon as lx

RULE_SEVERITY: dict[str, str] = {
    "guaranteed_return": "serious",
    "deposit_confusion": "serious",
    "exaggerated_coverage": "serious",
    "concealed_exclusions": "serious",
    "induced_nondisclosure": "serious",
    "improper_benefit": "serious",
    "proxy_signature": "serious",
    "competitor_disparagement": "general",
    "false_urgency": "general",
    "regulator_endorsement": "general",
    "premium_handling": "general",
    "cooling_off_omitted": "general",
}
RULE_CODES: tuple[str, ...] = tuple(RULE_SEVERITY)
TURN_RULES: tuple[str, ...] = tuple(code for code in RULE_CODES if code != "cooling_off_omitted")
CHECKPOINT_CODES: tuple[str, ...] = (
    "identity_disclosed",
    "needs_discovery",
    "exclusions_explained",
    "cooling_off_disclosed",
    "disclosure_duty_reminded",
    "next_step_agreed",
)

# Below this a candidate is not reported; weak patterns need similarity support to pass.
MIN_CONFIDENCE = 0.55
# A sentence this close to a rule's exemplars is a finding even without a pattern hit.
SIMILARITY_ALONE = 0.62


@dataclass(frozen=True)
class Finding:
    """A compliance rule hit; ``quote`` is a verbatim substring of the turn's text."""

    rule: str
    turn: int | None
    quote: str
    confidence: float
    detail: str = ""

    @property
    def severity(self) -> str:
        return RULE_SEVERITY.get(self.rule, "general")


@dataclass(frozen=True)
class CheckpointHit:
    code: str
    reached: bool
    turn: int | None
    quote: str = ""


@dataclass(frozen=True)
class Flag:
    code: str
    turn: int | None
    detail: str


@dataclass
class Analysis:
    findings: list[Finding]
    checkpoints: dict[str, CheckpointHit]
    reached_close: bool
    close_turn: int | None
    flags: list[Flag] = field(default_factory=list)

    def violations(self) -> list[dict[str, object]]:
        """Findings in the evaluation file's shape: ``{"rule", "turn"}``."""
        return [{"rule": f.rule, "turn": f.turn} for f in self.findings]


# ---------------------------------------------------------------------------------------------
# Compiled lexicon
# ---------------------------------------------------------------------------------------------

_FLAGS = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _FLAGS)


_RULE_PATTERNS: dict[str, list[tuple[re.Pattern[str], float]]] = {
    rule: [(_rx(p), s) for p, s in pats] for rule, pats in lx.RULE_PATTERNS.items()
}
_CONCEPT_PAIRS: dict[str, list[tuple[re.Pattern[str], re.Pattern[str], float]]] = {
    rule: [(_rx(a), _rx(b), s) for a, b, s in pairs] for rule, pairs in lx.CONCEPT_PAIRS.items()
}
_SENTENCE_GUARDS = {rule: _rx(p) for rule, p in lx.SENTENCE_GUARDS.items()}
_TURN_GUARDS = {rule: _rx(p) for rule, p in lx.TURN_GUARDS.items()}
_NEG_ZH = re.compile(lx.NEGATION_PREFIX_ZH)
_NEG_EN = _rx(lx.NEGATION_PREFIX_EN)
_NEG_IMMEDIATE_ZH = re.compile(lx.NEGATION_IMMEDIATE_ZH + "$")
_NEG_CLAUSE = _rx(lx.NEGATION_CLAUSE)
_QUOTE = re.compile(lx.QUOTATION)
_MENTION_BEFORE = _rx(lx.MENTION_FRAME_BEFORE)
_MENTION_AFTER = _rx(lx.MENTION_FRAME_AFTER)
_QUOTE_CHAIN = re.compile(lx.QUOTE_CHAIN)
_SELF_SPEECH = _rx(lx.SELF_SPEECH)
_GUARANTEE_TERMS = _rx(lx.GUARANTEE_TERMS)
_FLOOR_CONTEXT = _rx(lx.FLOOR_CONTEXT)
_NO_WAIT_SCOPE = _rx(lx.NO_WAIT_SCOPE)
_IMMEDIATE_COVER = _rx(lx.IMMEDIATE_COVER)
_FIRST_PERSON_EN = _rx(r"\b(?:I|I'll|I'd|I've|I'm|we|we'll|let me|me)\b")
_ECHO_QUESTION = re.compile(r"^[^，,。.!！]{1,14}[?？]$")
_CORRECTION = _rx(lx.CORRECTION_ZH + "|" + lx.CORRECTION_EN)
_QUOTING = _rx(lx.QUOTING_OTHERS)
_ASKING_BACK = _rx(
    r"是不是|是否|您觉得|你觉得|您担心|你担心|您是想|你是想|难道|\bdo you think\b|\bare you (?:worried|"
    r"thinking)\b|\bdid (?:someone|anyone) (?:tell|say)\b|\bhave you heard\b|\bis that what\b"
)
_QUESTION_END = re.compile(r"[?？]\s*$")

_CUSTOMER_ASKS_LIMITS = _rx(lx.CUSTOMER_ASKS_LIMITS)
_AGENT_DISMISSES = _rx(lx.AGENT_DISMISSES)
_CUSTOMER_ASKS_DECLARE = _rx(lx.CUSTOMER_ASKS_DECLARE)
_AGENT_DISCOURAGES_DECLARE = _rx(lx.AGENT_DISCOURAGES_DECLARE)
_CUSTOMER_ASKS_PAY = _rx(lx.CUSTOMER_ASKS_PAY)
_CUSTOMER_HAS_CONDITION = _rx(lx.CUSTOMER_HAS_CONDITION)
_AGENT_SAYS_COVERED = _rx(lx.AGENT_SAYS_COVERED)
_AGENT_QUALIFIES_COVER = _rx(lx.AGENT_QUALIFIES_COVER)
_AGENT_ROUTES_PAY = _rx(lx.AGENT_ROUTES_PAY_TO_SELF)

_COMPANY = re.compile(lx.COMPANY)
_LICENCE = _rx(lx.LICENCE)
_COMPANY_EN = re.compile(lx.COMPANY_EN)
_INTRO_ZH = re.compile(lx.INTRO_ZH)
_INTRO_EN = re.compile(lx.INTRO_EN)
_TITLE_WORDS = re.compile(lx.TITLE_WORDS)
_TOPICS = {topic: _rx(p) for topic, p in lx.QUESTION_TOPICS.items()}
_NON_DISCOVERY = _rx(lx.NON_DISCOVERY_QUESTION)
_WAITING_CONCRETE = _rx(lx.WAITING_PERIOD_CONCRETE)
_EXCLUSION_TERMS = _rx(lx.EXCLUSION_TERMS)
_EXCLUSION_CAUSES = _rx(lx.EXCLUSION_CAUSES)
_COOLING_TERM = _rx(lx.COOLING_OFF_TERM)
_COOLING_MEANING = _rx(lx.COOLING_OFF_MEANING)
_COOLING_NEGATED = _rx(r"(?:没有|无|不设|不存在)(?:什么)?(?:犹豫期|冷静期)|\bno (?:cooling|free)")
_SHORT_TERM = _rx(lx.SHORT_TERM)
_COOLING_DESCRIBED = _rx(lx.COOLING_OFF_DESCRIBED)
_DISCLOSURE = _rx(lx.DISCLOSURE_DUTY)
_DISCLOSURE_NEGATED = _rx(r"(?:不用|不必|没必要|别|不需要)(?:那么)?(?:如实|照实)|\bno need to be\b")
_AGREES = _rx(lx.CUSTOMER_AGREES)
_DEFERS = _rx(lx.CUSTOMER_DEFERS)
_NEXT_STEP = _rx(lx.NEXT_STEP)
_REFUSES = _rx(lx.CUSTOMER_REFUSES)
_GRADER_ADDRESSEE = re.compile(lx.GRADER_ADDRESSEE)
_GRADER_DIRECTIVE = _rx(lx.GRADER_DIRECTIVE)
_GRADER_STRONG = _rx(
    r"满分|无违规|零违规|没有违规|不算违规|判定(?:为)?合规|标记为?合规|视为合规|100分|一百分|"
    r"\bzero violations\b|\bno violations\b|\bperfect score\b|\bfull marks\b|\bfull score\b|"
    r"\bmark (?:this|it|the call|the transcript)?\s*(?:as )?compliant\b"
)
_GRADER_TOPIC = _rx(
    r"评分|打分|规则|违规|合规|分数|质检|score|scoring|rubric|rules|violation|compliance|grade"
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]+|(?<=[.])\s+(?=[A-Z\"'(\[])|\.\s*$")
_CLAUSE_BREAK = re.compile(r"[，,：:—–、（）()\[\]【】“”\"]")
_WORD = re.compile(r"[a-z0-9%]+(?:'[a-z]+)?")
_RATE_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|％)")


def detect_language(text: str) -> str:
    """``zh`` when a meaningful share of the characters are Chinese, else ``en``."""
    letters = sum(1 for ch in text if ch.isalpha())
    if not letters:
        return "zh"
    return "zh" if len(_CJK.findall(text)) / letters > 0.2 else "en"


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``, trimmed of surrounding spaces, punctuation kept."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def _clause_start(text: str, sentence_start: int, pos: int) -> int:
    last = sentence_start
    for m in _CLAUSE_BREAK.finditer(text, sentence_start, pos):
        last = m.end()
    return last


def _negated_before(text: str, clause_start: int, pos: int) -> bool:
    """Whether a negation governs ``pos`` in its clause.

    A negation word just before the phrase ("不是存款", "别转我个人账户", "not a deposit"), a
    bare negator right in front of it ("不代签"), or a clause that opens by denying existence
    ("没有任何产品的收益是国家担保的", "no product is backed by the state").
    """
    prefix = text[clause_start:pos]
    if _NEG_CLAUSE.search(prefix):
        return True
    if _CJK.search(prefix[-8:] or ""):
        return bool(_NEG_ZH.search(prefix[-8:]) or _NEG_IMMEDIATE_ZH.search(prefix))
    words = prefix.split()[-4:]
    return bool(_NEG_EN.search(" ".join(words)))


def _mention_spans(text: str) -> list[tuple[int, int]]:
    """Quoted phrases the agent mentions rather than asserts.

    A quotation is a mention when what frames it says so: someone else's words ("您刚才说
    “国家担保”", "you said it's 'risk-free'"), a prohibition ("不能说“比存款划算”", "never say
    \"...\""), or a correction right after it ("“稳赚不赔”这个说法不对"). Quotations that follow
    a mention with nothing but punctuation or "or/和" between them share its frame. The agent's
    own words in quotation marks ("我跟您说“保本”") stay assertions.
    """
    spans: list[tuple[int, int]] = []
    previous_end = -1
    for m in _QUOTE.finditer(text):
        start, end = m.start(), m.end()
        if previous_end >= 0 and _QUOTE_CHAIN.fullmatch(text[previous_end:start]):
            spans.append((start, end))
            previous_end = end
            continue
        window_start = max(0, start - 40)
        breaks = [b.end() for b in re.finditer(r"[。！？!?\n]", text[window_start:start])]
        before = text[window_start + (breaks[-1] if breaks else 0) : start]
        after = text[end : end + 16]
        framed = (
            _MENTION_BEFORE.search(before) and not _SELF_SPEECH.search(before)
        ) or _MENTION_AFTER.match(after)
        if framed:
            spans.append((start, end))
            previous_end = end
        else:
            previous_end = -1
    return spans


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# ---------------------------------------------------------------------------------------------
# Similarity to exemplars (character bigrams for Chinese, words and word pairs for English)
# ---------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    lowered = text.lower()
    tokens: list[str] = []
    for run in re.findall(r"[\u4e00-\u9fff]+", lowered):
        tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            tokens.append(run)
    words = _WORD.findall(lowered)
    tokens.extend(words)
    tokens.extend(f"{a} {b}" for a, b in pairwise(words))
    return tokens


class _ExemplarIndex:
    """TF-IDF vectors of the exemplar sentences, built once per process."""

    def __init__(self, positive: Mapping[str, list[str]], compliant: Mapping[str, list[str]]):
        docs = [t for texts in positive.values() for t in texts]
        docs += [t for texts in compliant.values() for t in texts]
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(_tokens(doc)))
        n = len(docs)
        self.idf = {tok: math.log((1 + n) / (1 + c)) + 1.0 for tok, c in df.items()}
        self.default_idf = math.log(1 + n) + 1.0
        self.positive = {r: [self.vector(t) for t in ts] for r, ts in positive.items()}
        self.compliant = {r: [self.vector(t) for t in ts] for r, ts in compliant.items()}

    def vector(self, text: str) -> dict[str, float]:
        counts = Counter(_tokens(text))
        vec = {t: (1 + math.log(c)) * self.idf.get(t, self.default_idf) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    @staticmethod
    def _best(vec: Mapping[str, float], others: Sequence[Mapping[str, float]]) -> float:
        best = 0.0
        for other in others:
            small, large = (vec, other) if len(vec) < len(other) else (other, vec)
            best = max(best, sum(v * large.get(t, 0.0) for t, v in small.items()))
        return best

    def similarity(self, vec: Mapping[str, float], rule: str) -> tuple[float, float]:
        """(closeness to the rule's violations, closeness to its compliant look-alikes)."""
        return (
            self._best(vec, self.positive.get(rule, ())),
            self._best(vec, self.compliant.get(rule, ())),
        )


@lru_cache(maxsize=1)
def _index() -> _ExemplarIndex:
    return _ExemplarIndex(lx.EXEMPLARS, lx.COMPLIANT_EXEMPLARS)


# ---------------------------------------------------------------------------------------------
# One agent turn
# ---------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    rule: str
    start: int
    end: int
    confidence: float
    detail: str


def _clause_around(text: str, sentence_start: int, sentence_end: int, pos: int) -> str:
    """The clause of the sentence that contains ``pos``."""
    begin = _clause_start(text, sentence_start, pos)
    brk = _CLAUSE_BREAK.search(text, pos, sentence_end)
    return text[begin : brk.start() if brk else sentence_end]


def _rule_specific_veto(
    rule: str,
    match: re.Match[str],
    span: tuple[int, int],
    text: str,
    product_type: str | None,
) -> bool:
    """Cases a pattern cannot express: true statements that look like violations."""
    matched = match.group(0)
    sentence = text[span[0] : span[1]]
    if rule == "exaggerated_coverage" and _IMMEDIATE_COVER.search(matched):
        # Cover from day one is true of accident cover, of products without a waiting period
        # and of renewals; "意外没有等待期" says nothing about illness.
        if product_type in lx.NO_WAITING_PERIOD_TYPES:
            return True
        clause = _clause_around(text, span[0], span[1], match.start())
        if (
            not re.search(lx.ILLNESS_SCOPE, clause, _FLAGS)
            and (
                _NO_WAIT_SCOPE.search(clause)
                # "意外险、养老年金：无等待期": the subject stands earlier in the sentence.
                or (
                    _NO_WAIT_SCOPE.search(text, span[0], match.start())
                    and not re.search(lx.ILLNESS_SCOPE, text[span[0] : match.start()], _FLAGS)
                )
            )
        ):
            return True
    if rule == "guaranteed_return":
        # "最低保证利率", "保证利益", "the guaranteed column": names of contract terms.
        for term in _GUARANTEE_TERMS.finditer(sentence):
            if span[0] + term.start() <= match.start() < span[0] + term.end():
                return True
        rates = [float(r.group(1)) for r in _RATE_VALUE.finditer(sentence)]
        # A contract's minimum guaranteed crediting rate (universal life) is a true statement.
        if rates and max(rates) <= 2.5 and _FLOOR_CONTEXT.search(sentence):
            return True
        # "保底利率是写进合同的": the floor named as a contract term, with no higher figure.
        if (
            re.search(r"保底|最低|floor|minimum", matched, _FLAGS)
            and re.search(r"合同|contract", sentence, _FLAGS)
            and all(float(r.group(1)) <= 2.5 for r in _RATE_VALUE.finditer(sentence))
        ):
            return True
    # "for you … sign" needs the agent as the one who signs, not "if you sign today".
    if (
        rule == "proxy_signature"
        and detect_language(sentence) == "en"
        and not _FIRST_PERSON_EN.search(sentence)
    ):
        return True
    if rule == "competitor_disparagement" and re.search(
        r"我们|我司|咱们|our (?:company|claims)", sentence, _FLAGS
    ):
        # Claims about claim handling in the agent's own company are not disparagement.
        return not re.search(
            r"那家|他们|别家|其他|别的|小公司|网上|they|their|other", sentence, _FLAGS
        )
    return rule == "premium_handling" and bool(
        re.search(
            r"(?:您|你)(?:自己|本人)的(?:银行)?卡|自动扣|对公|公司账户|company account",
            sentence,
            _FLAGS,
        )
    )


def _concept_pair_strength(
    rule: str,
    text: str,
    span: tuple[int, int],
    product_type: str | None,
    mentions: Sequence[tuple[int, int]],
) -> float:
    """Strength of the best concept pair of ``rule`` found in the sentence ``text[s:e]``."""
    s, e = span
    best = 0.0
    for slot_a, slot_b, weight in _CONCEPT_PAIRS.get(rule, ()):
        if weight <= best:
            continue
        for a in slot_a.finditer(text, s, e):
            if _inside(a.start(), a.end(), mentions):
                continue
            if rule == "guaranteed_return" and _rule_specific_veto(
                rule, a, span, text, product_type
            ):
                continue
            b = next(
                (
                    m
                    for m in slot_b.finditer(text, s, e)
                    if (m.start() >= a.end() or m.end() <= a.start())
                    and not _inside(m.start(), m.end(), mentions)
                ),
                None,
            )
            if not b:
                break
            if rule in lx.NEGATABLE_RULES and (
                _negated_before(text, _clause_start(text, s, a.start()), a.start())
                or _negated_before(text, _clause_start(text, s, b.start()), b.start())
            ):
                continue
            if _rule_specific_veto(rule, b, span, text, product_type):
                continue
            best = max(best, weight)
            break
    return best


def _scan_agent_turn(
    text: str, previous_customer_text: str, product_type: str | None
) -> list[_Candidate]:
    spans = _sentence_spans(text)
    index = _index()
    turn_has_correction = bool(_CORRECTION.search(text))
    mentions = _mention_spans(text) if _QUOTE.search(text) else []
    candidates: list[_Candidate] = []

    vectors = [index.vector(text[s:e]) for s, e in spans]

    for rule in TURN_RULES:
        patterns = _RULE_PATTERNS.get(rule, [])
        turn_guard = _TURN_GUARDS.get(rule)
        guard = _SENTENCE_GUARDS.get(rule)
        best: _Candidate | None = None
        for (s, e), vec in zip(spans, vectors, strict=True):
            sentence = text[s:e]
            if guard and guard.search(sentence):
                continue
            if _CORRECTION.search(sentence) and rule != "false_urgency":
                continue
            if _QUOTING.search(sentence) and turn_has_correction:
                continue
            if _QUESTION_END.search(sentence) and _ASKING_BACK.search(sentence):
                continue
            if mentions and _inside(s, e, mentions):
                continue
            pos_sim, neg_sim = index.similarity(vec, rule)
            strength = 0.0
            for pattern, weight in patterns:
                if weight <= strength:
                    continue
                for m in pattern.finditer(text, s, e):
                    if mentions and _inside(m.start(), min(m.end(), m.start() + 2), mentions):
                        continue
                    if rule in lx.NEGATABLE_RULES and _negated_before(
                        text, _clause_start(text, s, m.start()), m.start()
                    ):
                        continue
                    if _rule_specific_veto(rule, m, (s, e), text, product_type):
                        continue
                    strength = max(strength, weight)
                    break
            # Concept pairs read statements only: a question asks, it does not promise.
            if not strength and not _QUESTION_END.search(sentence):
                strength = _concept_pair_strength(rule, text, (s, e), product_type, mentions)
            if strength and turn_guard and turn_guard.search(text) and strength < 0.95:
                strength = 0.0
            if strength:
                confidence = strength + (1 - strength) * pos_sim * 0.6
                if neg_sim > pos_sim + 0.1:
                    confidence -= 0.15
                detail = "pattern"
            elif (
                pos_sim >= SIMILARITY_ALONE
                and pos_sim > neg_sim + 0.1
                and not (mentions and _overlaps(s, e, mentions))
            ):
                confidence = 0.35 + pos_sim * 0.5
                detail = "similarity"
            else:
                continue
            confidence = round(min(confidence, 0.99), 3)
            if confidence >= MIN_CONFIDENCE and (best is None or confidence > best.confidence):
                best = _Candidate(rule, s, e, confidence, detail)
        if best:
            candidates.append(best)

    # "等待期？那个不重要": a question the agent echoes before answering it is the context too.
    echoes = [text[s:e] for s, e in spans if _ECHO_QUESTION.match(text[s:e])]
    context = " ".join([previous_customer_text, *echoes]).strip()
    candidates.extend(_context_candidates(text, spans, context, candidates))
    return candidates


def _explains_exclusion(text: str) -> bool:
    if _WAITING_CONCRETE.search(text):
        return True
    return bool(_EXCLUSION_TERMS.search(text) and _EXCLUSION_CAUSES.search(text))


def _context_candidates(
    text: str,
    spans: list[tuple[int, int]],
    previous_customer_text: str,
    found: list[_Candidate],
) -> list[_Candidate]:
    """Rules whose meaning depends on what the customer just asked."""
    if not previous_customer_text:
        return []
    have = {c.rule for c in found}
    extra: list[_Candidate] = []

    def first_sentence(rx: re.Pattern[str], guard_rule: str) -> tuple[int, int] | None:
        guard = _SENTENCE_GUARDS.get(guard_rule)
        for s, e in spans:
            sentence = text[s:e]
            if guard and guard.search(sentence):
                continue
            for m in rx.finditer(text, s, e):
                # "不用给我现金" refuses what "给我" would otherwise offer.
                if guard_rule in lx.NEGATABLE_RULES and _negated_before(
                    text, _clause_start(text, s, m.start()), m.start()
                ):
                    continue
                return s, e
        return None

    if (
        "concealed_exclusions" not in have
        and _CUSTOMER_ASKS_LIMITS.search(previous_customer_text)
        and not _explains_exclusion(text)
    ):
        span = first_sentence(_AGENT_DISMISSES, "concealed_exclusions")
        if span:
            extra.append(_Candidate("concealed_exclusions", *span, 0.75, "dismisses the question"))

    if (
        "induced_nondisclosure" not in have
        and _CUSTOMER_ASKS_DECLARE.search(previous_customer_text)
        and not _DISCLOSURE.search(text)
    ):
        span = first_sentence(_AGENT_DISCOURAGES_DECLARE, "induced_nondisclosure")
        if span:
            extra.append(
                _Candidate("induced_nondisclosure", *span, 0.75, "discourages the declaration")
            )

    if (
        "exaggerated_coverage" not in have
        and _CUSTOMER_HAS_CONDITION.search(previous_customer_text)
        and not _AGENT_QUALIFIES_COVER.search(text)
    ):
        span = first_sentence(_AGENT_SAYS_COVERED, "exaggerated_coverage")
        if span:
            extra.append(
                _Candidate(
                    "exaggerated_coverage", *span, 0.7, "promises to pay for a known condition"
                )
            )

    if "premium_handling" not in have and _CUSTOMER_ASKS_PAY.search(previous_customer_text):
        span = first_sentence(_AGENT_ROUTES_PAY, "premium_handling")
        if span and not re.search(
            r"(?:您|你)(?:自己|本人)的|自动扣|公司账户|company account", text[span[0] : span[1]]
        ):
            extra.append(_Candidate("premium_handling", *span, 0.7, "routes payment to the agent"))
    return extra


def check_agent_message(
    text: str,
    *,
    previous_customer_text: str = "",
    language: str | None = None,
    product_type: str | None = None,
) -> list[Finding]:
    """Real-time first pass over ONE agent message; findings carry ``turn=0``.

    ``language`` is accepted for symmetry with the LLM scorer; the lexicons cover both
    languages at once, so mixed-language messages are read as they come.
    """
    del language
    return [
        Finding(c.rule, 0, text[c.start : c.end], c.confidence, c.detail)
        for c in _scan_agent_turn(text, previous_customer_text, product_type)
    ]


# ---------------------------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------------------------


def _identity_quote(text: str) -> str | None:
    """The self-introduction when it names the agent AND the company or a licence."""
    has_org = bool(_COMPANY.search(text) or _LICENCE.search(text) or _COMPANY_EN.search(text))
    if not has_org:
        return None
    for m in _INTRO_ZH.finditer(text):
        tail = re.split(r"[，,。！？!?；;、\s]", text[m.end() : m.end() + 24], maxsplit=1)[0]
        tail = _COMPANY.sub("", tail)
        tail = _TITLE_WORDS.sub(" ", tail).split()
        if not tail:
            continue
        name = tail[-1]
        if 2 <= len(name) <= 4 and name[0] in lx.SURNAMES and not name.startswith(("小", "老")):
            return text[m.start() : m.end() + len(text[m.end() :].split("，")[0])].strip()
    for m in _INTRO_EN.finditer(text):
        name = (m.group(1) or m.group(2) or "").strip()
        first = name.split()[0].lower() if name else ""
        if first and first not in lx.EN_NOT_NAMES:
            return m.group(0)
    return None


def _discovery_questions(text: str) -> list[tuple[int, int, int]]:
    """(start, end, topics) of each genuine question about the customer's situation."""
    found = []
    for s, e in _sentence_spans(text):
        sentence = text[s:e]
        if not _QUESTION_END.search(sentence) and not re.search(r"吗$|呢$", sentence):
            continue
        if _NON_DISCOVERY.search(sentence):
            continue
        topics = {t for t, rx in _TOPICS.items() if rx.search(sentence)}
        if not topics:
            continue
        # "How old are you, and do you have cover?" asks two things in one sentence.
        joined = len(re.findall(r",\s*and\b|\band (?:do|are|is|what|how)\b", sentence, _FLAGS))
        found.append((s, e, min(len(topics), 1 + joined)))
    return found


def question_count(text: str) -> int:
    """How many questions ``text`` asks (sentences ending in a question mark, 吗 or 呢)."""
    return sum(
        1
        for s, e in _sentence_spans(text)
        if _QUESTION_END.search(text[s:e]) or re.search(r"吗$|呢$", text[s:e])
    )


def discovery_questions(text: str) -> list[tuple[int, int, int]]:
    """(start, end, topics) of the questions in ``text`` that count towards ``needs_discovery``;
    the rubric scorer cites the same ones, so a criterion never credits a question the
    checkpoint does not count."""
    return _discovery_questions(text)


def _checkpoints(
    turns: Sequence[Mapping[str, str]],
    findings: list[Finding],
    reached_close: bool,
    close_turn: int | None,
) -> dict[str, CheckpointHit]:
    hits: dict[str, CheckpointHit] = {}

    def mark(code: str, turn: int, quote: str) -> None:
        if code not in hits:
            hits[code] = CheckpointHit(code, True, turn, quote)

    dismissing_turns = {
        f.turn for f in findings if f.rule in ("concealed_exclusions", "exaggerated_coverage")
    }
    questions = 0
    for i, turn in enumerate(turns):
        if turn.get("speaker") != "agent":
            continue
        text = turn.get("text", "")
        quote = _identity_quote(text)
        if quote:
            mark("identity_disclosed", i, quote)
        for s, e, n in _discovery_questions(text):
            questions += n
            if questions >= 2:
                mark("needs_discovery", i, text[s:e])
                break
        if i not in dismissing_turns:
            for s, e in _sentence_spans(text):
                if _explains_exclusion(text[s:e]):
                    mark("exclusions_explained", i, text[s:e])
                    break
        if _COOLING_TERM.search(text) and not _COOLING_NEGATED.search(text):
            for s, e in _sentence_spans(text):
                if _COOLING_TERM.search(text[s:e]) and _COOLING_MEANING.search(text):
                    mark("cooling_off_disclosed", i, text[s:e])
                    break
        for s, e in _sentence_spans(text):
            if _COOLING_DESCRIBED.search(text[s:e]):
                mark("cooling_off_disclosed", i, text[s:e])
                break
        for s, e in _sentence_spans(text):
            sentence = text[s:e]
            if _DISCLOSURE.search(sentence) and not _DISCLOSURE_NEGATED.search(sentence):
                mark("disclosure_duty_reminded", i, sentence)
                break

    next_turn = _next_step_turn(turns, close_turn if reached_close else None)
    if next_turn is not None:
        mark("next_step_agreed", next_turn, "")
    for code in CHECKPOINT_CODES:
        hits.setdefault(code, CheckpointHit(code, False, None, ""))
    return {code: hits[code] for code in CHECKPOINT_CODES}


def _says_short_term_has_no_cooling_off(
    turns: Sequence[Mapping[str, str]], product_type: str | None
) -> bool:
    """A one-year product has no cooling-off period; saying so is the disclosure it needs."""
    for turn in turns:
        if turn.get("speaker") != "agent":
            continue
        text = turn.get("text", "")
        for s, e in _sentence_spans(text):
            sentence = text[s:e]
            if _COOLING_NEGATED.search(sentence) and (
                product_type in lx.SHORT_TERM_TYPES or _SHORT_TERM.search(sentence)
            ):
                return True
    return False


def _next_step_turn(turns: Sequence[Mapping[str, str]], close_turn: int | None) -> int | None:
    if close_turn is not None:
        return close_turn
    tail_start = max(0, len(turns) - 4)
    customer_tail = [
        t.get("text", "") for t in turns[tail_start:] if t.get("speaker") == "customer"
    ]
    if customer_tail and _REFUSES.search(customer_tail[-1]):
        return None
    for i in range(len(turns) - 1, tail_start - 1, -1):
        turn = turns[i]
        if turn.get("speaker") == "agent" and _NEXT_STEP.search(turn.get("text", "")):
            return i
    return None


def _close_turn(turns: Sequence[Mapping[str, str]]) -> int | None:
    for i, turn in enumerate(turns):
        if turn.get("speaker") != "customer":
            continue
        for s, e in _sentence_spans(turn.get("text", "")):
            sentence = turn["text"][s:e]
            if _AGREES.search(sentence) and not _DEFERS.search(sentence):
                return i
    return None


def find_grader_instructions(turns: Sequence[Mapping[str, str]]) -> list[Flag]:
    """``grader_instruction`` flags for agent turns that address an automated grader."""
    flags = []
    for i, turn in enumerate(turns):
        if turn.get("speaker") != "agent":
            continue
        text = turn.get("text", "")
        directive = _GRADER_DIRECTIVE.search(text)
        if not directive:
            continue
        strong = _GRADER_STRONG.search(text)
        addressed = _GRADER_ADDRESSEE.search(text) and _GRADER_TOPIC.search(text)
        if strong or addressed:
            snippet = text[max(0, directive.start() - 30) : directive.end() + 30]
            flags.append(Flag("grader_instruction", i, f"text addressed to a grader: {snippet}"))
    return flags


_grader_flags = find_grader_instructions  # older internal name, still used by callers


# ---------------------------------------------------------------------------------------------
# Whole dialogue
# ---------------------------------------------------------------------------------------------


def analyse_dialogue(
    turns: Sequence[Mapping[str, str]],
    *,
    language: str | None = None,
    product_type: str | None = None,
) -> Analysis:
    """Findings, checkpoints, close and flags of one conversation (0-based turn numbers).

    Agent text is data here, never instructions: a turn that addresses a grader raises the
    ``grader_instruction`` flag and is otherwise scored like any other turn.
    """
    del language  # both lexicons apply to every turn; kept for the scorer's common signature
    findings: list[Finding] = []
    previous_customer = ""
    for i, turn in enumerate(turns):
        text = turn.get("text", "") or ""
        if turn.get("speaker") != "agent":
            previous_customer = text
            continue
        for c in _scan_agent_turn(text, previous_customer, product_type):
            findings.append(Finding(c.rule, i, text[c.start : c.end], c.confidence, c.detail))

    close_turn = _close_turn(turns)
    reached_close = close_turn is not None
    checkpoints = _checkpoints(turns, findings, reached_close, close_turn)
    if (
        reached_close
        and not checkpoints["cooling_off_disclosed"].reached
        and not _says_short_term_has_no_cooling_off(turns, product_type)
    ):
        findings.append(
            Finding(
                "cooling_off_omitted",
                None,
                "",
                0.8,
                f"the customer agreed at turn {close_turn}; no cooling-off period was disclosed",
            )
        )
    findings.sort(key=lambda f: (f.turn if f.turn is not None else 10**6, f.rule))
    return Analysis(
        findings, checkpoints, reached_close, close_turn, find_grader_instructions(turns)
    )
