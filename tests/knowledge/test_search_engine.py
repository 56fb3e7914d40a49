"""The knowledge search engine on small hand-written corpora (no database)."""

from __future__ import annotations

import pytest

from knowledge.search.engine import Document, SearchIndex
from knowledge.search.text import analyse, expand_query, normalize


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
