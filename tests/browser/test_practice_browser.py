"""In Debian's chromium: an agent practises in Chinese and in English — streamed replies, hints,
a compliance alert, the SOP navigator, finishing — and sees the scorecard and the reveal."""

import pytest

from practice.models import Scorecard
from practice.scoring.pipeline import scorecard_score
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def say(page, text: str):
    before = page.locator("#transcript .bubble.customer").count()
    page.fill("#message", text)
    page.click("#composer button[type=submit]")
    # the agent's words show at once; the customer's reply streams in after them
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .bubble.customer').length > n && !document.getElementById('reply-pending')",
        arg=before,
    )
    return page.locator("#transcript .bubble.customer").last.inner_text()


def start_session(page, live_server, scenario):
    page.goto(f"{live_server.url}/cases/scenarios/{scenario.code}/")
    page.click(f"form[action$='/practice/start/{scenario.code}/'] button[type=submit]")
    page.wait_for_selector("#transcript .bubble.customer")


def finish_and_score(page, artifacts, name):
    page.click("[data-testid=finish]")
    page.wait_for_selector("[data-testid=scorecard-pending], [data-testid=scorecard]")
    # score the pending scorecard here (the worker round trip is covered by the worker tests)
    for scorecard in Scorecard.objects.filter(status="pending"):
        scorecard_score(scorecard_id=scorecard.pk)
    page.wait_for_selector("[data-testid=scorecard]", timeout=15_000)
    assert page.locator("[data-testid=overall]").inner_text().strip().isdigit()
    assert page.locator("[data-testid=reveal]").is_visible()
    page.screenshot(path=artifacts / f"practice-{name}-scorecard.png", full_page=True)


def test_chinese_session_with_stream_hints_alert_and_scorecard(
    page, live_server, agent, scenario_zh, artifacts
):
    browser_login(page, live_server, agent.username)
    start_session(page, live_server, scenario_zh)
    page.screenshot(path=artifacts / "practice-zh-start.png", full_page=True)

    reply = say(page, "您好，我是安澜人寿的顾问李明，执业证号A12345，今天想占用您几分钟。")
    assert reply.strip()
    say(page, "想先了解一下您家里的情况，孩子多大了？家里主要是谁在挣钱？")
    say(page, "您平时身体怎么样？单位有没有给您买过医疗保险？")

    say(page, "这款产品稳赚不赔，收益是保证的")
    alert = page.locator("#alerts-panel [data-rule=guaranteed_return]").first
    alert.wait_for()
    assert "serious" in alert.get_attribute("class")

    say(page, "您觉得保费太贵的话，我们可以把保额调低一些，每天算下来不到十块钱。")
    # the SOP navigator shows the identity checkpoint reached
    assert "done" in page.locator(
        "#sop-panel [data-checkpoint=identity_disclosed]"
    ).first.get_attribute("class")
    page.screenshot(path=artifacts / "practice-zh-chat.png", full_page=True)
    hints = page.locator("#hints-panel .hint-item").count()
    finish_and_score(page, artifacts, "zh")
    assert hints >= 0  # hints depend on the customer's questions; the English test asserts them


def test_english_session_with_hints(page, live_server, agent, scenario_en, artifacts):
    browser_login(page, live_server, agent.username)
    page.click("[data-testid=lang-en]")
    start_session(page, live_server, scenario_en)
    say(page, "Hi, this is Li Ming from Anlan Life, licence number A12345. Is now a good time?")
    say(page, "Could you tell me about your family and who depends on your income?")
    say(page, "What cover do you already have through work, and how is your health?")
    for line in (
        "What would worry you most if you could not work for a year?",
        "I understand. Many people feel that way. How much could you set aside each month?",
        "It's a fair question — the premium works out to about the price of a coffee a day.",
    ):
        say(page, line)
        if page.locator("#hints-panel .hint-item").count():
            break
    assert page.locator("#hints-panel .hint-item").count() >= 1, (
        "no hint appeared for the customer's questions"
    )
    page.screenshot(path=artifacts / "practice-en-chat.png", full_page=True)
    finish_and_score(page, artifacts, "en")
