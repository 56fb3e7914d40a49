"""Checks that the seed content bundles (products, rules, articles) are complete and consistent.

The simulated customer, the practice hints and the scorer all read this content, so a missing
language, an unknown vocabulary code or a wrong rule severity would surface as silent gaps there.
Pure pytest: the bundles are read with PyYAML, no database needed.
"""

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = REPO_ROOT / "seed"
EVAL_PASSAGES = REPO_ROOT.parent / "shared" / "eval" / "insqabench" / "passages.jsonl"

PRODUCT_TYPES = {
    "critical_illness",
    "medical",
    "term_life",
    "whole_life_participating",
    "annuity",
    "accident",
    "universal_life",
}
PRODUCT_CODES = {
    "anxin-ci": "critical_illness",
    "kangxiang-medical": "medical",
    "hujia-term": "term_life",
    "fuying-par": "whole_life_participating",
    "yinian-annuity": "annuity",
    "anxing-accident": "accident",
    "wenying-ul": "universal_life",
}
SKILLS = {"opening", "discovery", "product", "objection", "compliance", "closing", "rapport"}
OBJECTION_TYPES = {
    "price",
    "spouse",
    "already_insured",
    "scam",
    "invest",
    "think_it_over",
    "no_need",
    "trust",
}
RULE_SEVERITIES = {
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
# Long-term personal policies must give at least 15 days; one-year products give none.
ONE_YEAR_PRODUCTS = {"kangxiang-medical", "anxing-accident"}

PRODUCT_TEXT_FIELDS = ("name", "summary")
PRODUCT_LIST_FIELDS = ("coverage", "exclusions", "selling_points", "target_customers")


@cache
def _load(name: str) -> dict[str, Any]:
    with (SEED_DIR / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{name} must be a mapping"
    return data


def _products() -> list[dict[str, Any]]:
    return _load("products.yaml")["products"]


def _rules() -> list[dict[str, Any]]:
    return _load("rules.yaml")["rules"]


def _articles() -> list[dict[str, Any]]:
    return _load("articles.yaml")["articles"]


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


# --- products ---------------------------------------------------------------------------------


def test_catalogue_has_the_seven_products_with_their_types():
    products = _products()
    assert {p["code"]: p["type"] for p in products} == PRODUCT_CODES
    assert Counter(p["type"] for p in products) == Counter(PRODUCT_TYPES)


@pytest.mark.parametrize("code", sorted(PRODUCT_CODES))
def test_product_bilingual_fields_are_filled(code):
    product = next(p for p in _products() if p["code"] == code)
    for field in PRODUCT_TEXT_FIELDS:
        assert _filled(product[f"{field}_zh"]) and _has_cjk(product[f"{field}_zh"]), field
        assert _filled(product[f"{field}_en"]) and not _has_cjk(product[f"{field}_en"]), field
    for field in PRODUCT_LIST_FIELDS:
        zh_lines, en_lines = product[f"{field}_zh"], product[f"{field}_en"]
        assert 4 <= len(zh_lines) <= 8, f"{code}.{field}_zh has {len(zh_lines)} lines"
        assert 4 <= len(en_lines) <= 8, f"{code}.{field}_en has {len(en_lines)} lines"
        assert all(_filled(line) and _has_cjk(line) for line in zh_lines), field
        assert all(_filled(line) and not _has_cjk(line) for line in en_lines), field


@pytest.mark.parametrize("code", sorted(PRODUCT_CODES))
def test_product_periods_and_premium_examples(code):
    product = next(p for p in _products() if p["code"] == code)
    assert isinstance(product["waiting_period_days"], int) and product["waiting_period_days"] >= 0
    if code in ONE_YEAR_PRODUCTS:
        assert product["cooling_off_days"] == 0
    else:
        assert product["cooling_off_days"] >= 15
    examples = product["premium_examples"]
    assert 2 <= len(examples) <= 4
    for example in examples:
        assert example["sex"] in {"male", "female"}
        assert isinstance(example["age"], int) and 0 <= example["age"] <= 70
        assert isinstance(example["sum_assured"], int) and example["sum_assured"] > 0
        assert isinstance(example["annual_premium"], int) and example["annual_premium"] > 0
        assert _filled(example["term_zh"]) and _filled(example["term_en"])


def test_waiting_periods_match_the_market_norms():
    waiting = {p["code"]: p["waiting_period_days"] for p in _products()}
    assert waiting["anxin-ci"] in {90, 180}
    assert waiting["kangxiang-medical"] == 30
    assert waiting["anxing-accident"] == 0


@pytest.mark.parametrize("code", sorted(PRODUCT_CODES))
def test_product_clauses_are_searchable_passages_in_both_languages(code):
    product = next(p for p in _products() if p["code"] == code)
    by_language: dict[str, list[dict[str, Any]]] = {"zh": [], "en": []}
    for clause in product["clauses"]:
        assert clause["language"] in by_language
        assert _filled(str(clause["ref"])) and _filled(clause["title"]) and _filled(clause["text"])
        by_language[clause["language"]].append(clause)
    for language, clauses in by_language.items():
        assert 6 <= len(clauses) <= 12, f"{code} has {len(clauses)} {language} clauses"
        refs = [str(c["ref"]) for c in clauses]
        assert len(refs) == len(set(refs)), f"{code} repeats a {language} clause ref"
    for clause in by_language["zh"]:
        assert 100 <= len(clause["text"]) <= 400, (code, clause["ref"], len(clause["text"]))
    # Every product states its disclosure duty and its cooling-off position in the clauses.
    titles = " ".join(c["title"] for c in by_language["zh"])
    assert "犹豫期" in titles and "如实告知" in titles and "责任免除" in titles


# --- rules ------------------------------------------------------------------------------------


def test_the_twelve_rules_with_their_severities():
    rules = _rules()
    assert {r["code"]: r["severity"] for r in rules} == RULE_SEVERITIES
    assert len(rules) == len(RULE_SEVERITIES)


@pytest.mark.parametrize("code", sorted(RULE_SEVERITIES))
def test_rule_texts_and_examples(code):
    rule = next(r for r in _rules() if r["code"] == code)
    assert _filled(rule["basis"])
    assert _has_cjk(rule["title_zh"]) and _filled(rule["title_en"])
    assert _has_cjk(rule["description_zh"]) and _filled(rule["description_en"])
    violating, compliant = rule["violating_examples"], rule["compliant_examples"]
    assert 4 <= len(violating) <= 6
    assert 3 <= len(compliant) <= 4
    for examples in (violating, compliant):
        assert all(_filled(example) for example in examples)
        # Mixed on purpose: the scorer works in both languages.
        assert any(_has_cjk(example) for example in examples)
        assert any(not _has_cjk(example) for example in examples)
    assert not set(violating) & set(compliant)


# --- articles ---------------------------------------------------------------------------------


def test_article_counts_per_language():
    languages = Counter(a["language"] for a in _articles())
    assert sum(languages.values()) >= 40
    assert languages["zh"] >= 24
    assert languages["en"] >= 12
    assert set(languages) == {"zh", "en"}


def test_article_slugs_are_unique():
    slugs = [a["slug"] for a in _articles()]
    assert len(slugs) == len(set(slugs))
    assert all(slug == slug.lower() and " " not in slug for slug in slugs)


def test_article_codes_use_the_shared_vocabularies():
    for article in _articles():
        slug = article["slug"]
        assert article["kind"] in {"knowledge", "talk_track"}, slug
        assert set(article["products"]) <= set(PRODUCT_CODES), slug
        assert article["skills"] and set(article["skills"]) <= SKILLS, slug
        assert set(article["objection_types"]) <= OBJECTION_TYPES, slug


def test_article_bodies_have_the_expected_length_and_shape():
    for article in _articles():
        body, slug = article["body"], article["slug"]
        assert _filled(article["title"]), slug
        assert "## " in body, f"{slug} has no Markdown heading"
        if article["language"] == "zh":
            assert _has_cjk(body), slug
            assert 150 <= len(body) <= 600, (slug, len(body))
        else:
            assert not _has_cjk(body), slug
            assert 80 <= len(body.split()) <= 300, (slug, len(body.split()))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_objection_type_has_a_talk_track(language):
    covered = {
        objection
        for article in _articles()
        if article["kind"] == "talk_track" and article["language"] == language
        for objection in article["objection_types"]
    }
    assert covered >= OBJECTION_TYPES, OBJECTION_TYPES - covered


@pytest.mark.parametrize("language", ["zh", "en"])
def test_talk_tracks_cover_opening_discovery_and_closing(language):
    skills = {
        skill
        for article in _articles()
        if article["kind"] == "talk_track" and article["language"] == language
        for skill in article["skills"]
    }
    assert {"opening", "discovery", "closing", "compliance"} <= skills


def test_every_product_is_linked_from_some_article():
    linked = {code for article in _articles() for code in article["products"]}
    assert linked == set(PRODUCT_CODES)


# --- originality ------------------------------------------------------------------------------

# Long enough that shared legal terms ("《人身保险伤残评定标准及代码》") do not count, short
# enough that a copied clause sentence always does.
COPIED_STRETCH_CHARS = 18


@pytest.mark.eval
def test_seed_content_shares_no_sentence_with_the_evaluation_passages():
    if not EVAL_PASSAGES.exists():
        pytest.skip(f"evaluation passages not found at {EVAL_PASSAGES}")
    n = COPIED_STRETCH_CHARS
    eval_stretches: set[str] = set()
    with EVAL_PASSAGES.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = re.sub(r"\s+", "", " ".join(v for v in record.values() if isinstance(v, str)))
            eval_stretches.update(text[i : i + n] for i in range(len(text) - n + 1))
    seed = "".join(
        re.sub(r"\s+", "", (SEED_DIR / name).read_text(encoding="utf-8"))
        for name in ("products.yaml", "rules.yaml", "articles.yaml")
    )
    copied = {seed[i : i + n] for i in range(len(seed) - n + 1)} & eval_stretches
    assert not copied, sorted(copied)[:5]
