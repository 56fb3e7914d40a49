"""Chinese pages use one kind of colon: form labels carry none (as the filters and the login page),
and "label: value" text takes its separator from the catalogue (full-width "：" in Chinese)."""

import re

import pytest
from django.utils.translation import override, pgettext

from cases.models import Case, Scenario
from knowledge.models import Article, ComplianceRule, Product

pytestmark = pytest.mark.django_db

# A Chinese character (or closing full-width bracket) followed by an ASCII colon.
HALF_WIDTH_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff）]:")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|textarea|pre|code)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def form_pages(org) -> list[str]:
    article = Article.objects.filter(organisation=org).first()
    product = Product.objects.filter(organisation=org).first()
    rule = ComplianceRule.objects.filter(organisation=org).first()
    case = Case.objects.filter(organisation=org).first()
    scenario = Scenario.objects.filter(organisation=org).first()
    pages = [
        "/knowledge/articles/new/",
        "/knowledge/products/new/",
        "/knowledge/rules/new/",
        "/cases/new/",
        "/cases/scenarios/new/",
        f"/knowledge/articles/{article.slug}/edit/",
        f"/knowledge/products/{product.code}/edit/",
        f"/cases/{case.slug}/edit/",
        f"/cases/{case.slug}/",  # the annotation form
        f"/cases/scenarios/{scenario.code}/edit/",
    ]
    if rule is not None:
        pages.append(f"/knowledge/rules/{rule.code}/edit/")
    return pages


def test_form_labels_have_no_half_width_colon(seeded, trainer, login):
    client = login(trainer)
    for url in form_pages(seeded):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        labels = re.findall(r"<label\b[^>]*>(.*?)</label>", html, flags=re.S)
        assert labels, url
        for label in labels:
            text = re.sub(r"<[^>]+>", "", label).strip()
            assert not text.endswith((":", "：")), (url, text)


def test_label_value_text_uses_the_catalogue_separator(seeded, trainer, login):
    client = login(trainer)
    with override("zh-hans"):
        separator = pgettext("label separator", ": ")
    home = visible_text(client.get("/knowledge/").content.decode())
    assert f"等待期{separator}" in home
    case = Case.objects.filter(organisation=seeded).exclude(source="").first()
    detail = visible_text(client.get(f"/cases/{case.slug}/").content.decode())
    assert f"结果{separator}" in detail
    article = Article.objects.filter(organisation=seeded).first()
    edit = client.get(f"/knowledge/articles/{article.slug}/edit/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", edit, flags=re.S).group(1)
    assert article.title in heading and "编辑知识点: " not in heading
    # Once the Chinese catalogue has the new strings, no page text mixes in ":".
    if separator == "：":
        for url in ["/knowledge/", "/knowledge/rules/", f"/cases/{case.slug}/"]:
            text = visible_text(client.get(url).content.decode())
            assert not HALF_WIDTH_AFTER_CHINESE.search(text), url
