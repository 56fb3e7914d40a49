"""The knowledge search engine on small hand-written corpora (no database)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.search.engine import DEFAULT_TUNING, Document, SearchIndex
from knowledge.search.rerank import FEATURE_NAMES, WEIGHTS, phrase_match, score
from knowledge.search.text import analyse, expand_query, normalize, quantities, zh_numeral


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    docs = [
        Document(
            id="ci-waiting",
            title="2.4 等待期",
            text="自本合同生效之日起九十日为等待期。被保险人在等待期内确诊重大疾病的，"
            "我们退还已交保险费，本合同终止。",
            product="anxin-ci",
        ),
        Document(
            id="ci-cooling",
            title="1.5 犹豫期",
            text="您签收本合同次日起十五日内为犹豫期。犹豫期内您可以申请解除合同，"
            "我们无息退还您已交的全部保险费。",
            product="anxin-ci",
        ),
        Document(
            id="acc-exclusion",
            title="2.6 责任免除",
            text="因下列情形之一导致被保险人身故或伤残的，我们不承担给付保险金的责任："
            "酒后驾驶、无有效驾驶证驾驶机动车、从事潜水或跳伞等高风险运动。",
            product="pingan-acc",
        ),
        Document(
            id="acc-cooling",
            title="1.4 犹豫期",
            text="投保人收到保险单后十日内为犹豫期，其间解除合同的，保险人退还全部保费。",
            product="pingan-acc",
        ),
        Document(
            id="en-claims",
            title="4.2 Claims",
            language="en",
            text="To claim the benefit, the beneficiary sends the claim form, the policy and "
            "the hospital's diagnosis; we decide within 5 days of receiving them.",
            product="anxin-ci",
        ),
        Document(
            id="talk-price",
            title="客户嫌贵：把保费折算到每天",
            kind="talk_track",
            text="先认同客户对预算的顾虑，再把年缴保费折算成每天的花费，"
            "和一杯咖啡比较，最后给出保额可调的方案。",
            product="anxin-ci",
        ),
        Document(
            id="en-objection",
            title="Handling 'I already have insurance'",
            kind="knowledge",
            language="en",
            text="Ask which policies the customer already holds, then show the coverage gaps: "
            "company medical plans often stop when the job ends.",
        ),
    ]
    return SearchIndex(docs)


def ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_chinese_question_finds_its_passage(index):
    assert ids(index.search("确诊重大疾病前要等多少天？等待期怎么算"))[0] == "ci-waiting"
    assert ids(index.search("酒驾出事故保险公司赔不赔"))[0] == "acc-exclusion"


def test_english_question_finds_its_passage(index):
    assert ids(index.search("How many days does the insurer need to decide on a claim?"))[0] == (
        "en-claims"
    )
    assert ids(index.search("customer says they already have a policy"))[0] == "en-objection"


def test_product_filter_keeps_only_that_products_documents(index):
    hits = index.search("犹豫期内解除合同退还保费", product="pingan-acc")
    assert ids(hits)[0] == "acc-cooling"
    assert all(h.id.startswith("acc-") for h in hits)
    unfiltered = ids(index.search("犹豫期内解除合同退还保费"))
    assert {"ci-cooling", "acc-cooling"} <= set(unfiltered[:2])
    assert index.search("犹豫期", product="no-such-product") == []


def test_kinds_filter(index):
    hits = index.search("保费太贵 每天", kinds={"talk_track"})
    assert ids(hits) == ["talk-price"]
    assert "talk-price" not in ids(index.search("保费太贵 每天", kinds={"passage"}))
    both = index.search("保费", kinds={"passage", "talk_track"}, product="anxin-ci")
    assert {"talk-price", "ci-cooling"} <= set(ids(both))


def test_snippet_marks_terms_and_escapes_html():
    doc = Document(id="x", text="<b>等待期</b> 为九十日 & 期间确诊不赔")
    hit = SearchIndex([doc]).search("等待期有多长")[0]
    assert "<b>" not in hit.snippet
    assert "&lt;b&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<mark>等待期</mark>" in hit.snippet


def test_snippet_is_a_window_around_the_match():
    filler = "本条为一般约定内容。" * 40
    doc = Document(id="long", text=filler + "犹豫期为十五日，期间解除合同无息退还保费。" + filler)
    hit = SearchIndex([doc]).search("犹豫期多长")[0]
    assert "<mark>犹豫期</mark>" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    plain = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert len(plain) <= 170


def test_english_snippet_marks_stemmed_words():
    doc = Document(id="e", text="The insurer pays claims within 5 days.", language="en")
    hit = SearchIndex([doc]).search("claim payment")[0]
    assert "<mark>claims</mark>" in hit.snippet


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_returns_nothing(index, query):
    assert index.search(query) == []


@pytest.mark.parametrize("query", ["什么？", "如果是否哪些怎么", "what is it?", "吗呢"])
def test_stopword_only_query_does_not_crash(index, query):
    hits = index.search(query)
    assert isinstance(hits, list)


def test_limit_and_empty_index():
    assert SearchIndex([]).search("等待期") == []
    docs = [Document(id=str(i), text=f"等待期 第{i}条") for i in range(20)]
    assert len(SearchIndex(docs).search("等待期", limit=3)) == 3
    assert SearchIndex(docs).search("等待期", limit=0) == []


def test_normalisation_folds_width_and_case():
    assert normalize("ＡＢＣ１２３，") == "abc123,"
    assert normalize("缴费") == "交费"
    full = SearchIndex([Document(id="w", text="ＩＣＵ 重症监护 缴费")])
    assert ids(full.search("icu 交费")) == ["w"]


def test_query_scaffolding_is_removed():
    analysed = analyse("如果被保险人失踪了怎么办？", query=True)
    assert "如果" not in analysed.bigrams and "怎么" not in analysed.bigrams
    assert "失踪" in analysed.bigrams


def test_everyday_words_expand_to_clause_wording():
    assert "身故" in expand_query("孩子死亡了能赔多少")
    assert "变更" in expand_query("我想更改受益人")


def test_quantities_fold_numerals_and_units():
    assert quantities("自签收次日起十五天内") == quantities("15日内") == frozenset({"15日"})
    assert quantities("给付基本保险金额的80％，年满18周岁") == frozenset({"80%", "18岁"})
    assert quantities("两万元，一百零五日") == frozenset({"20000元", "105日"})
    assert quantities("没有数量") == frozenset()
    assert [zh_numeral(t) for t in ("十", "二十一", "三百六十五", "两万")] == [10, 21, 365, 20000]


def test_phrase_match_finds_longest_verbatim_stretch():
    text = "被保险人在等待期内确诊重大疾病的，我们退还已交保险费"
    longest, covered = phrase_match(["等待期内确诊", "退还保费"], text)
    assert longest == 6  # "等待期内确诊"
    assert covered == 6  # "退还" and "保费" are 2-character stretches, not counted
    assert phrase_match(["完全无关"], text) == (0, 0)
    assert phrase_match([], text) == (0, 0)


def test_candidates_carry_one_value_per_feature(index):
    candidates = index.candidates("犹豫期内解除合同退还保费")
    assert candidates, "the first stage finds the cooling-off clauses"
    assert [c.base for c in candidates] == sorted((c.base for c in candidates), reverse=True)
    named = dict(zip(FEATURE_NAMES, candidates[0].features, strict=True))
    assert len(candidates[0].features) == len(FEATURE_NAMES) == len(WEIGHTS)
    assert 0.0 < named["coverage_bigram"] <= 1.0
    assert named["longest_run"] > 0
    for c in candidates:
        values = dict(zip(FEATURE_NAMES, c.features, strict=True))
        for name in ("coverage_bigram", "coverage_word", "proximity", "phrase_share", "lead"):
            assert 0.0 <= values[name] <= 1.0 + 1e-9, (name, values[name])
        for name in ("local_bigram", "local_word", "local_trigram", "quantity", "heading"):
            assert 0.0 <= values[name] <= 1.0 + 1e-9, (name, values[name])
        assert -1e-9 <= values["cosine"] <= 1.0 + 1e-9


def test_quantity_feature_rewards_the_stated_number():
    docs = [
        Document(id="ten", text="投保人收到保险单后十日内为犹豫期，可申请解除合同。"),
        Document(id="fifteen", text="投保人收到保险单后十五日内为犹豫期，可申请解除合同。"),
    ]
    index = SearchIndex(docs)
    by_id = {
        c.id: dict(zip(FEATURE_NAMES, c.features, strict=True))
        for c in index.candidates("犹豫期是15天吗")
    }
    assert by_id["fifteen"]["quantity"] == 1.0
    assert by_id["ten"]["quantity"] == 0.0


def test_reranker_is_deterministic_and_differs_from_first_stage_only(index):
    query = "保险公司多长时间内核定理赔？"
    again = SearchIndex(index.documents)
    assert index.search(query) == again.search(query)
    assert [h.id for h in index.search(query)] == [h.id for h in index.search(query)]
    first_stage = SearchIndex(index.documents, tuning=replace(DEFAULT_TUNING, weights=None))
    plain = first_stage.candidates(query)
    assert [h.id for h in first_stage.search(query)] == [c.id for c in plain][:10]
    # The re-ranked score is the dot product of the fitted weights and the features.
    for hit, cand in zip(
        index.search(query, limit=3),
        sorted(plain, key=lambda c: (-score(WEIGHTS, c.features), c.index))[:3],
        strict=True,
    ):
        assert hit.id == cand.id
        assert hit.score == round(score(WEIGHTS, cand.features), 4)


def test_weights_must_match_the_features():
    with pytest.raises(ValueError):
        SearchIndex([], tuning=replace(DEFAULT_TUNING, weights=(1.0, 2.0)))
