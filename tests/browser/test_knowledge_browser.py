"""The knowledge base, case library and scenario catalogue in a real browser, as a trainee and a
trainer use them: search in Chinese as you type, open a product, filter cases, read an annotated
case; create a scenario through the form and find it in the catalogue."""

import importlib

import pytest
import yaml

from knowledge.bundles import bundle_import
from knowledge.search.service import clear_cache
from tests.conftest import browser_login
from tests.knowledge.conftest import seed_paths

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def ensure_vocabularies():
    """Transactional tests flush the tables, including the rows the data migration wrote."""
    from django.apps import apps

    migration = importlib.import_module("knowledge.migrations.0002_vocabularies")
    migration.forwards(apps, None)


@pytest.fixture
def content(org):
    ensure_vocabularies()
    clear_cache()
    bundle_import(organisation=org, paths=seed_paths(), actor=None)
    return org


def test_agent_searches_reads_a_product_and_studies_a_case(
    content, agent, page, live_server, artifacts
):
    browser_login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/knowledge/")
    page.fill("input[name=q]", "等待期")
    results = page.locator("[data-testid=search-results]")
    results.wait_for()
    assert results.locator("mark").count() > 0
    assert "q=" in page.url  # the query is in the address bar (hx-push-url)
    page.screenshot(path=artifacts / "knowledge-search.png", full_page=True)
    page.screenshot(path=artifacts / "knowledge-search-top.png")

    page.locator("[data-testid=product-card]").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#exclusions li").count() > 0
    assert page.locator("[id^=clause-]").count() > 0
    page.screenshot(path=artifacts / "knowledge-product.png", full_page=True)
    page.screenshot(path=artifacts / "knowledge-product-top.png")

    page.goto(f"{live_server.url}/cases/")
    all_cases = page.locator("[data-testid=case-card]").count()
    page.select_option("select[name=objection]", "price")
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=case-card]').length < n", arg=all_cases
    )
    assert "objection=price" in page.url
    filtered = page.locator("[data-testid=case-card]")
    assert 0 < filtered.count() < all_cases
    page.screenshot(path=artifacts / "knowledge-cases-filtered.png", full_page=True)

    filtered.first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=annotation]").count() > 0
    assert page.locator(".note.good").count() > 0
    page.screenshot(path=artifacts / "knowledge-case.png", full_page=True)
    page.screenshot(path=artifacts / "knowledge-case-top.png")


def test_trainer_creates_a_scenario(content, trainer, page, live_server, artifacts):
    browser_login(page, live_server, trainer.username)
    page.goto(f"{live_server.url}/cases/scenarios/")
    page.click("[data-testid=new-scenario]")
    page.fill("input[name=title]", "体检异常的出租车司机")
    page.fill("input[name=code]", "zh-taxi-driver")
    page.select_option("select[name=language]", "zh")
    page.select_option("select[name=difficulty]", "hard")
    page.select_option("select[name=product]", "anxin-ci")
    page.fill("textarea[name=goal]", "了解客户健康状况，提醒如实告知，讲清等待期。")
    page.fill("input[name=persona_name]", "老马")
    page.fill("textarea[name=public_profile]", "48岁出租车司机，去年体检血压偏高。")
    page.fill(
        "textarea[name=objections]",
        "- {code: price, type: price, line: 一年好几千，跑一个月车才挣多少, "
        "trigger: {after_turn: 3}, resolved_by: [cost_breakdown, tailored_plan]}",
    )
    page.fill(
        "textarea[name=sop]",
        "- {stage_zh: 开场, stage_en: Opening, checkpoints: [identity_disclosed]}\n"
        "- {stage_zh: 健康告知, stage_en: Disclosure, checkpoints: [disclosure_duty_reminded]}",
    )
    page.fill("input[name=rubric_code]", "taxi-rubric")
    criteria = [
        {
            "code": "disclosure",
            "skill": "compliance",
            "title_zh": "提醒如实告知",
            "title_en": "Disclosure duty",
            "weight": 60,
            "checks_zh": ["主动询问血压和用药"],
        },
        {
            "code": "price",
            "skill": "objection",
            "title_zh": "处理价格异议",
            "title_en": "Price objection",
            "weight": 40,
        },
    ]
    page.fill(
        "textarea[name=criteria]", yaml.safe_dump(criteria, allow_unicode=True, sort_keys=False)
    )
    page.click("[data-testid=scenario-form] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/cases/scenarios/zh-taxi-driver/" in page.url
    rubric = page.locator("[data-testid=rubric]").inner_text()
    assert rubric.count("%") == 2 and "合规销售" in rubric  # the skill's name, not its code
    assert "一年好几千" not in page.content()  # the objection stays hidden from the brief
    page.screenshot(path=artifacts / "knowledge-scenario-brief.png", full_page=True)

    page.goto(f"{live_server.url}/cases/scenarios/?difficulty=hard")
    assert page.locator("[data-testid=scenario-card]", has_text="体检异常的出租车司机").count() == 1
    page.screenshot(path=artifacts / "knowledge-scenario-catalogue.png", full_page=True)
