"""Knowledge pages and the knowledge API: search (Chinese and English), filters, permissions,
tenant isolation, constant query counts and safe Markdown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, Role
from knowledge import services
from knowledge.bundles import bundle_import
from knowledge.models import Article, ComplianceRule, Product
from knowledge.search.service import clear_cache
from knowledge.templatetags.knowledge_tags import render_markdown
from tests.factories import UserFactory
from tests.knowledge.conftest import sized_bundle

pytestmark = pytest.mark.django_db


def query_count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, url
    return len(ctx)


# --- Search -------------------------------------------------------------------------------
def test_search_page_finds_chinese_and_english(seeded, agent, login):
    client = login(agent)
    page = client.get("/knowledge/", {"q": "等待期"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<mark>" in html and "/knowledge/articles/kb-waiting-period/" in html

    partial = client.get(
        "/knowledge/",
        {"q": "cooling-off period refund"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-results",
    )
    body = partial.content.decode()
    assert "<html" not in body  # the partial only
    assert "<mark>" in body


def test_search_api_finds_the_right_article(seeded, agent, api_client):
    api_client.force_authenticate(agent)
    zh = api_client.get(
        "/api/v1/knowledge/search/", {"q": "等待期内确诊重疾怎么办", "kind": "article"}
    ).json()
    assert zh["results"][0]["url"] == "/knowledge/articles/kb-waiting-period/"
    assert set(zh["results"][0]) == {"id", "kind", "title", "product", "snippet", "score", "url"}
    en = api_client.get(
        "/api/v1/knowledge/search/",
        {"q": "customer says the premium is too expensive", "kind": "article"},
    ).json()
    assert en["results"], en
    assert any(r["kind"] == "article" for r in en["results"])


def test_search_api_product_filter_and_errors(seeded, agent, api_client):
    api_client.force_authenticate(agent)
    hits = api_client.get(
        "/api/v1/knowledge/search/", {"q": "等待期", "product": "anxin-ci"}
    ).json()["results"]
    assert hits and all(h["product"] == "anxin-ci" for h in hits)
    assert api_client.get(
        "/api/v1/knowledge/search/", {"q": "等待期", "product": "no-such"}
    ).json() == {"results": []}
    empty = api_client.get("/api/v1/knowledge/search/", {"q": "  "})
    assert empty.status_code == 400 and "detail" in empty.json()


def test_search_is_scoped_to_the_organisation(seeded, outsider, api_client):
    api_client.force_authenticate(outsider)
    assert api_client.get("/api/v1/knowledge/search/", {"q": "等待期"}).json() == {"results": []}


def test_a_too_long_search_says_so(seeded, agent, login):
    client = login(agent)
    query = "等待期" * 100  # 300 characters, over the form's limit
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}):
        response = client.get("/knowledge/", {"q": query}, **headers)
        html = response.content.decode()
        assert 'data-testid="search-error"' in html
        assert "200" in html[html.index('data-testid="search-error"') :]
        assert 'data-testid="search-results"' not in html
        assert response.context["results"] == []
        # not the idle hint, as if nothing had been typed
        assert response.context["q"] == query
    full = client.get("/knowledge/", {"q": query}).content.decode()
    assert f'value="{query}"' in full  # the text stays in the box to be shortened


def test_search_count_says_when_the_list_is_cut(seeded, agent, login):
    client = login(agent)
    broad = client.get("/knowledge/", {"q": "保险"})
    assert len(broad.context["results"]) == 12 and broad.context["results_capped"] is True
    html = broad.content.decode()
    count = html[html.index('data-testid="search-count"') :]
    assert "12" in count[: count.index("</p>")]

    narrow = client.get("/knowledge/", {"q": "冷静期", "kind": "talk_track"})
    assert 0 < len(narrow.context["results"]) < 12
    assert narrow.context["results_capped"] is False


def test_markup_in_a_search_is_escaped_and_finds_nothing(seeded, agent, login, api_client):
    client = login(agent)
    query = "<script>alert(1)</script>"
    response = client.get("/knowledge/", {"q": query})
    html = response.content.decode()
    assert response.context["results"] == []
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    api_client.force_authenticate(agent)
    assert api_client.get("/api/v1/knowledge/search/", {"q": query}).json() == {"results": []}


def test_search_needs_a_term_the_index_knows_beyond_numbers(seeded):
    from knowledge.search.service import get_index, search_knowledge

    index, _ = get_index(seeded)
    assert not index.knows_terms_of("<script>alert(1)</script>")
    assert not index.knows_terms_of("xyzzy 1")
    assert index.knows_terms_of("等待期")
    assert index.knows_terms_of("cooling-off 15")
    assert index.knows_terms_of("90")  # numbers only are searched as asked
    assert index.knows_terms_of("die")  # known through a clause-wording synonym
    assert search_knowledge(organisation=seeded, query="alert 1") == []
    assert search_knowledge(organisation=seeded, query="90")


def _grow(org, n):
    bundle_import(organisation=org, data=sized_bundle(n, prefix=f"g{n}-"))
    clear_cache()


def test_search_page_and_api_have_constant_query_counts(org, agent, login, api_client):
    client = login(agent)
    api_client.force_authenticate(agent)
    url = "/knowledge/?q=保险责任"
    api = "/api/v1/knowledge/search/?q=保险责任"
    _grow(org, 2)
    client.get(url)  # builds the index
    small = query_count(client, url), query_count(api_client, api)
    _grow(org, 12)
    client.get(url)
    large = query_count(client, url), query_count(api_client, api)
    assert small == large


# --- List pages ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/knowledge/",
        "/knowledge/?a_kind=knowledge&objection=price",
        "/knowledge/rules/",
        "/api/v1/products/",
        "/api/v1/compliance-rules/",
    ],
)
def test_list_pages_have_constant_query_counts(org, agent, login, url):
    client = login(agent)
    _grow(org, 2)
    small = query_count(client, url)
    _grow(org, 10)
    ComplianceRule.objects.create(
        organisation=org, code="extra", severity="general", title_zh="x", title_en="x"
    )
    assert query_count(client, url) == small


def test_article_filters_and_htmx_partial(org, agent, login):
    bundle = sized_bundle(2)
    bundle["articles"][1].update(
        kind="talk_track", language="en", skills=["closing"], objection_types=["spouse"]
    )
    bundle_import(organisation=org, data=bundle)
    client = login(agent)
    html = client.get("/knowledge/", {"objection": "spouse"}).content.decode()
    assert "文章1" in html and "文章0" not in html
    partial = client.get(
        "/knowledge/",
        {"a_kind": "knowledge"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="article-list",
    )
    body = partial.content.decode()
    assert "文章0" in body and "文章1" not in body and "<html" not in body
    assert "文章0" not in client.get("/knowledge/", {"language": "en"}).content.decode()
    assert "文章0" not in client.get("/knowledge/", {"skill": "closing"}).content.decode()


# --- Product, article, rule pages ---------------------------------------------------------
def test_product_page_shows_the_facts_and_clause_anchors(seeded, agent, login):
    product = Product.objects.get(organisation=seeded, code="anxin-ci")
    html = login(agent).get(product.get_absolute_url()).content.decode()
    clause = product.clauses.filter(language="zh").first()
    assert f'id="clause-{clause.pk}"' in html
    assert product.exclusions_zh[0] in html and "90" in html
    assert html.index('lang="zh-hans"') >= 0
    # the UI language's passages come first
    en_clause = product.clauses.filter(language="en").first()
    if en_clause:
        assert html.index(f'id="clause-{clause.pk}"') < html.index(f'id="clause-{en_clause.pk}"')


def test_markdown_is_sanitised():
    html = render_markdown(
        "# Title\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1)) and [ok](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert "<h1>Title</h1>" in html and 'href="https://example.com"' in html and "<table>" in html


def test_article_page_renders_markdown_inertly(org, agent, login):
    bundle_import(
        organisation=org,
        data={
            "articles": [
                {
                    "slug": "evil",
                    "title": "Evil",
                    "language": "en",
                    "body": '**bold**\n\n<script>alert(\'x\')</script><a href="javascript:alert(1)">x</a><img src=x onerror="alert(1)">',
                }
            ]
        },
    )
    html = login(agent).get("/knowledge/articles/evil/").content.decode()
    body = html[html.index('data-testid="article-body"') :]
    assert "<strong>bold</strong>" in body
    assert "<script>alert" not in body and "onerror" not in body and "javascript:" not in body


def test_rules_page_lists_builtin_and_org_rules(org, agent, login, other_org):
    ComplianceRule.objects.create(
        organisation=org, code="mine", severity="general", title_zh="本公司规则", title_en="Ours"
    )
    ComplianceRule.objects.create(
        organisation=other_org,
        code="theirs",
        severity="general",
        title_zh="别家规则",
        title_en="Theirs",
    )
    html = login(agent).get("/knowledge/rules/").content.decode()
    assert "本公司规则" in html and "别家规则" not in html
    assert html.count('class="card" id="rule-') == 13


# --- Permissions and tenant isolation -----------------------------------------------------
FORMS = [
    "/knowledge/products/new/",
    "/knowledge/articles/new/",
    "/knowledge/rules/new/",
    "/knowledge/products/p0/edit/",
    "/knowledge/articles/a-p0/edit/",
]


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER])
def test_forms_are_for_trainers_only(org, login, role):
    bundle_import(organisation=org, data=sized_bundle(1))
    user = UserFactory(organisation=org, role=role)
    client = login(user)
    for url in FORMS:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


def test_other_organisations_content_is_404(org, outsider_trainer, login, api_client):
    bundle_import(organisation=org, data=sized_bundle(1))
    client = login(outsider_trainer)
    for url in ["/knowledge/products/p0/", "/knowledge/articles/a-p0/", *FORMS[3:]]:
        assert client.get(url).status_code == 404, url
    api_client.force_authenticate(outsider_trainer)
    assert api_client.get("/api/v1/products/p0/").status_code == 404
    assert api_client.get("/api/v1/products/").json()["count"] == 0


def test_anonymous_is_sent_to_login(client):
    assert client.get("/knowledge/").status_code == 302
    assert client.get("/api/v1/products/").status_code in (401, 403)


# --- Trainer forms ------------------------------------------------------------------------
def test_trainer_creates_and_edits_a_product_with_clauses(org, trainer, login):
    client = login(trainer)
    data = {
        "code": "new-ci",
        "type": "critical_illness",
        "name_zh": "新重疾",
        "name_en": "New CI",
        "coverage_zh": "重疾100%\n轻症30%",
        "exclusions_zh": "既往症",
        "waiting_period_days": "90",
        "cooling_off_days": "15",
        "premium_examples": "- {age: 30, sex: female, sum_assured: 300000, annual_premium: 4200}",
        "clauses": "## 2.1 | 保险责任 | zh\n我们按基本保额给付。\n\n## 2.1 | Benefits | en\nWe pay the sum assured.",
    }
    response = client.post("/knowledge/products/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(organisation=org, code="new-ci")
    assert product.coverage_zh == ["重疾100%", "轻症30%"]
    assert [c.language for c in product.clauses.all()] == [
        "en",
        "zh",
    ] or product.clauses.count() == 2
    assert AuditEvent.objects.filter(action="product.created", actor=trainer).exists()
    edit = client.get("/knowledge/products/new-ci/edit/").content.decode()
    assert "## 2.1 | 保险责任 | zh" in edit
    response = client.post(
        "/knowledge/products/new-ci/edit/", {**data, "code": "hacked", "name_en": "Renamed"}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name_en == "Renamed" and product.code == "new-ci"


def test_product_form_errors_name_the_field(org, trainer, login):
    client = login(trainer)
    response = client.post(
        "/knowledge/products/new/",
        {
            "code": "x",
            "type": "critical_illness",
            "name_zh": "x",
            "waiting_period_days": "0",
            "cooling_off_days": "15",
            "premium_examples": "- {age: thirty, annual_premium: -5}",
            "clauses": "text before any header",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "clauses" in errors and errors["clauses"][0].startswith("第 1 行：")
    assert not Product.objects.filter(code="x").exists()


def test_trainer_creates_an_article_and_a_rule(org, trainer, login):
    bundle_import(organisation=org, data={"products": sized_bundle(1)["products"]})
    client = login(trainer)
    response = client.post(
        "/knowledge/articles/new/",
        {
            "slug": "talk-price",
            "title": "太贵怎么办",
            "kind": "talk_track",
            "language": "zh",
            "body": "先认同，再拆解。",
            "products": ["p0"],
            "skills": ["objection"],
            "objection_types": ["price"],
        },
    )
    assert response.status_code == 302
    article = Article.objects.get(organisation=org, slug="talk-price")
    assert [p.code for p in article.products.all()] == ["p0"] and article.objection_types == [
        "price"
    ]

    response = client.post(
        "/knowledge/rules/new/",
        {
            "code": "unlicensed_advice",
            "severity": "general",
            "title_zh": "无证咨询",
            "title_en": "Unlicensed advice",
            "violating_examples": "我帮你做税务筹划\n",
        },
    )
    assert response.status_code == 302
    rule = ComplianceRule.objects.get(organisation=org, code="unlicensed_advice")
    assert rule.violating_examples == ["我帮你做税务筹划"]
    client.post(
        "/knowledge/rules/unlicensed_advice/edit/",
        {"severity": "serious", "title_zh": "无证咨询", "title_en": "U"},
    )
    rule.refresh_from_db()
    assert rule.severity == "serious"
    actions = list(
        AuditEvent.objects.filter(target_type="knowledge.compliancerule").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["rule.created", "rule.updated"]
    # built-in rules are read-only: no edit page, and their codes cannot be taken
    assert client.get("/knowledge/rules/false_urgency/edit/").status_code == 404
    response = client.post(
        "/knowledge/rules/new/",
        {"code": "false_urgency", "severity": "general", "title_zh": "x", "title_en": "x"},
    )
    assert response.status_code == 200 and "是内置规则的代码" in response.content.decode()


def test_rule_save_refuses_builtin_rules(org, trainer):
    from config.errors import DomainError

    builtin = ComplianceRule.objects.get(organisation=None, code="false_urgency")
    with pytest.raises(DomainError):
        services.rule_save(organisation=org, data={"title_zh": "x"}, actor=trainer, rule=builtin)


def test_api_products_and_rules(seeded, agent, api_client):
    api_client.force_authenticate(agent)
    products = api_client.get("/api/v1/products/").json()
    assert products["count"] >= 5 and {"code", "type", "name"} <= set(products["results"][0])
    detail = api_client.get("/api/v1/products/anxin-ci/").json()
    assert detail["clauses"] and detail["waiting_period_days"] == 90
    rules = api_client.get("/api/v1/compliance-rules/").json()
    assert rules["count"] == 12
    assert set(rules["results"][0]) >= {"code", "title", "severity", "basis"}
    assert rules["results"][0]["severity"] == "serious"
