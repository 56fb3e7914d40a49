"""In Debian's chromium: each role logs in, sees its own home and navigation, switches language."""

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def nav_labels(page) -> list[str]:
    return [label.strip() for label in page.locator("nav.nav a").all_inner_texts()]


def test_each_role_sees_its_home_and_navigation(
    page, live_server, agent, trainer, manager, artifacts
):
    seen = {}
    for user, marker in (
        (agent, "agent-practice"),
        (trainer, "trainer-overview"),
        (manager, "manager-overview"),
    ):
        page.context.clear_cookies()
        browser_login(page, live_server, user.username)
        assert page.locator(f"[data-testid={marker}]").is_visible()
        assert user.display_name in page.locator(".user-chip").inner_text()
        seen[user.role] = nav_labels(page)
        page.screenshot(path=artifacts / f"foundation-home-{user.role}.png", full_page=True)

    # navigation follows the role: only trainers see the review queue, only managers the team dashboard
    assert len(seen["agent"]) < len(seen["trainer"])
    assert seen["agent"] != seen["manager"] != seen["trainer"]


def test_language_switch_between_chinese_and_english(page, live_server, agent, artifacts):
    browser_login(page, live_server, agent.username)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.screenshot(path=artifacts / "foundation-zh.png", full_page=True)

    page.click("[data-testid=lang-en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Log out" in page.locator(".topbar").inner_text()
    page.screenshot(path=artifacts / "foundation-en.png", full_page=True)

    page.click("[data-testid=lang-zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "退出" in page.locator(".topbar").inner_text()


def test_wrong_password_is_refused_with_a_message(page, live_server, agent):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", agent.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    assert page.locator(".form-errors").is_visible()
    assert page.url.endswith("/accounts/login/")
