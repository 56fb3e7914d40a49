"""The offline detector on honest sales talk, on paraphrased violations and on the team's content.

Two corpora written for these tests (``tests/practice/data/``) and the seed content every
organisation starts with: the examples of ``seed/rules.yaml``, the knowledge articles and talk
tracks of ``seed/articles.yaml`` and the annotated cases of ``seed/cases.yaml``. Pure Python, no
database.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from practice.scoring.detector import (
    TURN_RULES,
    analyse_dialogue,
    check_agent_message,
    detect_language,
)

DATA = Path(__file__).resolve().parent / "data"
SEED = Path(__file__).resolve().parents[2] / "seed"

PRODUCT_TYPES = {
    "critical_illness",
    "medical",
    "term_life",
    "whole_life_participating",
    "annuity",
    "accident",
    "universal_life",
}
NEIGHBOURHOODS = {
    "waiting_period",
    "exclusions",
    "deductible",
    "surrender_loss",
    "annuity_payments",
    "dividends",
    "minimum_rate",
    "cooling_off",
    "disclosure",
    "regulation",
    "competitors",
    "repricing",
    "payment",
    "signing",
    "benefits",
    "not_a_deposit",
    "coverage",
    "correction",
    "quoting",
    "questions",
}


def _load(name: str) -> list[dict]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["lines"]


HONEST = _load("honest_agent_lines.yaml")
VIOLATING = _load("violating_agent_lines.yaml")


def _seed(name: str, key: str) -> list[dict]:
    return yaml.safe_load((SEED / name).read_text(encoding="utf-8"))[key]


def _product_types() -> dict[str, str]:
    return {p["code"]: p["type"] for p in _seed("products.yaml", "products")}


def findings_of(line: dict) -> list:
    return check_agent_message(
        line["text"],
        previous_customer_text=line.get("previous", ""),
        product_type=line.get("product"),
    )


# --- the corpora themselves -----------------------------------------------------------------


def test_honest_corpus_is_broad() -> None:
    assert len(HONEST) >= 150
    languages = Counter(detect_language(line["text"]) for line in HONEST)
    assert languages["zh"] >= 60 and languages["en"] >= 50, languages
    assert {line["product"] for line in HONEST if "product" in line} == PRODUCT_TYPES
    assert {line["about"] for line in HONEST} == NEIGHBOURHOODS
    assert len({line["text"] for line in HONEST}) == len(HONEST), "duplicate honest lines"


def test_violating_corpus_covers_every_turn_rule_in_both_languages() -> None:
    assert len(VIOLATING) >= 80
    assert {line["rule"] for line in VIOLATING} == set(TURN_RULES)
    for rule in TURN_RULES:
        lines = [line for line in VIOLATING if line["rule"] == rule]
        languages = Counter(detect_language(line["text"]) for line in lines)
        assert len(lines) >= 6, rule
        assert languages["zh"] >= 3 and languages["en"] >= 3, (rule, languages)


# --- the known false alarms -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "product_type"),
    [
        ("意外没有等待期，疾病等待期是90天。", "critical_illness"),
        ("意外没有等待期。", "term_life"),
        ("Accidents are covered from day one.", "critical_illness"),
        ("Accidents are covered from day one; illness has a 90-day waiting period.", "term_life"),
        ("保险和投资作用不同…不适合拿来和理财比较", None),
        ("保险和投资作用不同，这款是保障型的，不适合拿来和理财比较收益。", None),
        ("一次性赔付保额，比如保一百五十万到六十岁，每年保费两千多。", "term_life"),
        ("定期寿险就是一次性赔付保额，比如保一百五十万到六十岁。", "term_life"),
        ("受金融监管总局监管…有保险保障基金", None),
        ("我们受金融监管总局监管，万一公司经营出问题，还有保险保障基金。", None),
    ],
)
def test_known_false_alarms_are_gone(text: str, product_type: str | None) -> None:
    assert check_agent_message(text, product_type=product_type) == []


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("这款重疾险没有等待期，买了就保。", "exaggerated_coverage"),
        (
            "There is no waiting period at all on this critical illness plan.",
            "exaggerated_coverage",
        ),
        ("意外和疾病都没有等待期。", "exaggerated_coverage"),
        ("这是国家担保的产品。", "regulator_endorsement"),
        ("监管部门保证收益，您放心。", "regulator_endorsement"),
        ("收益有政府兜底。", "regulator_endorsement"),
        ("这个就跟存定期一样。", "deposit_confusion"),
        ("我跟您说“保证收益5%”，这个放心。", "guaranteed_return"),
        ("公司已经发通知了，下个月停售。", "false_urgency"),
    ],
)
def test_the_violations_next_to_them_are_still_found(text: str, rule: str) -> None:
    product_type = "critical_illness" if rule == "exaggerated_coverage" else None
    assert rule in {f.rule for f in check_agent_message(text, product_type=product_type)}


# --- the corpora through the detector ---------------------------------------------------------


def test_honest_lines_raise_no_finding() -> None:
    alarms = []
    for line in HONEST:
        found = findings_of(line)
        if found:
            alarms.append((line["text"], [(f.rule, f.quote) for f in found]))
    rate = len(alarms) / len(HONEST)
    assert not alarms, f"false-alarm rate {rate:.3f} ({len(alarms)}/{len(HONEST)}): {alarms}"


def test_violating_lines_raise_their_rule() -> None:
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    missed = []
    for line in VIOLATING:
        rule = line["rule"]
        totals[rule] += 1
        if rule in {f.rule for f in findings_of(line)}:
            hits[rule] += 1
        else:
            missed.append((rule, line["text"]))
    recall = {rule: f"{hits[rule]}/{totals[rule]}" for rule in TURN_RULES}
    overall = sum(hits.values()) / len(VIOLATING)
    assert not missed, f"recall {overall:.3f}, per rule {recall}; missed: {missed}"


def test_findings_quote_the_turn() -> None:
    for line in VIOLATING:
        for f in findings_of(line):
            assert f.quote and f.quote in line["text"]
            assert 0.0 <= f.confidence <= 1.0


def test_real_time_check_stays_fast_on_the_corpora() -> None:
    lines = HONEST + VIOLATING
    check_agent_message("warm-up")
    start = time.perf_counter()
    for line in lines:
        findings_of(line)
    per_message = (time.perf_counter() - start) / len(lines)
    assert per_message < 0.005, f"{per_message * 1000:.2f} ms per message"


# --- the team's own content -------------------------------------------------------------------


def test_seed_rule_examples() -> None:
    wrong = []
    checked = 0
    for rule in _seed("rules.yaml", "rules"):
        code = rule["code"]
        for text in rule.get("compliant_examples", []):
            checked += 1
            if code == "cooling_off_omitted":
                got = {f.rule for f in analyse_dialogue(_after_agreement(text)).findings}
            else:
                got = {f.rule for f in check_agent_message(text)}
            if code in got:
                wrong.append(("compliant example raised", code, text))
        for text in rule.get("violating_examples", []):
            checked += 1
            if code == "cooling_off_omitted":
                got = {f.rule for f in analyse_dialogue(_after_agreement(text)).findings}
            else:
                got = {f.rule for f in check_agent_message(text)}
            if code not in got:
                wrong.append(("violating example missed", code, text))
    assert checked >= 60
    assert not wrong, wrong


def _after_agreement(agent_text: str) -> list[dict[str, str]]:
    agreement = "好，那就买这个吧。" if detect_language(agent_text) == "zh" else "Okay, sign me up."
    return [{"speaker": "customer", "text": agreement}, {"speaker": "agent", "text": agent_text}]


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3}|^-{3,}$")


def article_passages(body: str) -> Iterator[str]:
    """The passages of an article's Markdown body, each read as one agent turn.

    Blockquotes are the lines an agent is meant to say: read on their own, without their
    quotation marks. Paragraphs, list items and table rows are read with their section heading as
    lead-in, as a reader reads them ("## Never say" + '- "…"' reads 'Never say: "…"').
    """
    heading = ""
    block: list[str] = []
    quoted = False

    def passage() -> Iterator[str]:
        if not block:
            return
        joiner = "" if detect_language(" ".join(block)) == "zh" else " "
        text = joiner.join(block).replace("**", "").strip()
        if quoted:
            yield text.strip('“”"')
        elif heading:
            yield f"{heading}：{text}" if detect_language(text) == "zh" else f"{heading}: {text}"
        else:
            yield text

    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("#") or not line or _TABLE_RULE.match(line):
            yield from passage()
            block = []
            if line.startswith("#"):
                heading = line.lstrip("#").strip()
            continue
        is_quote = line.startswith(">")
        is_row = line.startswith("|")
        content = _LIST_ITEM.sub("", line.lstrip(">").strip())
        if _LIST_ITEM.match(line.lstrip(">").strip()) or is_row or is_quote != quoted:
            yield from passage()
            block = []
        quoted = is_quote
        if is_row:
            content = " ".join(cell.strip() for cell in content.strip("|").split("|"))
        if content:
            block.append(content)
    yield from passage()


def test_article_passages_split_as_a_reader_reads() -> None:
    body = '## Never say\n- "It is guaranteed"\n\n> "Dividends are not guaranteed."\n'
    assert list(article_passages(body)) == [
        'Never say: "It is guaranteed"',
        "Dividends are not guaranteed.",
    ]


def test_seed_articles_and_talk_tracks_raise_no_finding() -> None:
    product_types = _product_types()
    alarms = []
    passages = 0
    for article in _seed("articles.yaml", "articles"):
        codes = article.get("products") or []
        product_type = product_types.get(codes[0]) if len(codes) == 1 else None
        for text in article_passages(article["body"]):
            passages += 1
            found = check_agent_message(text, product_type=product_type)
            if found:
                alarms.append((article["slug"], [(f.rule, f.quote) for f in found]))
    assert passages >= 300
    assert not alarms, f"{len(alarms)} of {passages} passages raised findings: {alarms}"


def _cases() -> tuple[list[dict], list[dict]]:
    good, problem = [], []
    for case in _seed("cases.yaml", "cases"):
        ruled = [a for a in case.get("annotations", []) if a.get("rule")]
        (problem if ruled else good).append(case)
    return good, problem


def test_seed_good_cases_raise_no_finding() -> None:
    product_types = _product_types()
    good, _ = _cases()
    assert len(good) >= 5
    for case in good:
        analysis = analyse_dialogue(case["turns"], product_type=product_types.get(case["product"]))
        assert analysis.findings == [], case["slug"]


def test_seed_problem_cases_recall() -> None:
    product_types = _product_types()
    _, problem = _cases()
    found, missed = 0, []
    for case in problem:
        analysis = analyse_dialogue(case["turns"], product_type=product_types.get(case["product"]))
        for note in case["annotations"]:
            rule = note.get("rule")
            if not rule:
                continue
            if rule == "cooling_off_omitted":
                ok = any(f.rule == rule for f in analysis.findings)
            else:
                ok = any(
                    f.rule == rule and f.turn is not None and abs(f.turn - note["turn"]) <= 1
                    for f in analysis.findings
                )
            if ok:
                found += 1
            else:
                missed.append((case["slug"], rule, note["turn"]))
    total = found + len(missed)
    assert total >= 30
    assert found / total >= 0.9, f"recall {found}/{total} = {found / total:.3f}; missed {missed}"
