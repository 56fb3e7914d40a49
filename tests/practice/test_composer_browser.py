"""In Debian's chromium: the chat box counts characters against the limit and says so when a
paste was cut off at it (the textarea's maxlength cuts silently), in Chinese and in English."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A real paste: the browser fires "paste", then inserts what fits under maxlength, then "input".
PASTE = """([text, max]) => {
  const field = document.getElementById('message');
  field.focus();
  const data = new DataTransfer();
  data.setData('text/plain', text);
  field.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
  field.value = text.slice(0, max);
  field.dispatchEvent(new Event('input', {bubbles: true}));
}"""


def open_session(page, live_server, scenario):
    page.goto(f"{live_server.url}/cases/scenarios/{scenario.code}/")
    page.click(f"form[action$='/practice/start/{scenario.code}/'] button[type=submit]")
    page.wait_for_selector("#transcript .bubble.customer")


def test_counter_near_limit_and_cut_paste_in_both_languages(
    page, live_server, agent, scenario_zh, artifacts
):
    limit = settings.MESSAGE_MAX_CHARS
    browser_login(page, live_server, agent.username)
    open_session(page, live_server, scenario_zh)
    counter = page.locator("[data-char-counter=message]")
    # the script is deferred: wait until it has counted (it then listens for input and paste)
    expect(counter.locator("[data-count]")).to_have_text(f"0 / {limit}")
    assert counter.locator("[data-static]").is_hidden()  # the no-script text gives way

    page.fill("#message", "字" * (limit - 50))
    assert counter.locator("[data-count]").inner_text() == f"{limit - 50} / {limit}"
    assert counter.locator("[data-near]").is_visible()
    assert counter.locator("[data-cut]").is_hidden()

    page.fill("#message", "")
    page.evaluate(PASTE, ["保" * 10_000, limit])
    cut = counter.locator("[data-cut]")
    cut.wait_for(state="visible")
    assert str(limit) in cut.inner_text()  # the words are the page's, in its language
    assert counter.locator("[data-count]").inner_text() == f"{limit} / {limit}"
    assert page.input_value("#message") == "保" * limit
    page.screenshot(path=artifacts / "practice-composer-cut-zh.png", full_page=True)

    # shortening it clears the message
    page.fill("#message", "保" * 100)
    assert cut.is_hidden() and counter.locator("[data-near]").is_hidden()

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.reload()
    page.wait_for_selector("#message")
    expect(counter.locator("[data-count]")).to_have_text(f"0 / {limit}")
    page.evaluate(PASTE, ["word " * 2_000, limit])
    cut.wait_for(state="visible")
    assert f"longer than {limit} characters and was cut off" in cut.inner_text()
    page.fill("#message", "")
    assert cut.is_hidden()
    page.fill("#message", "x" * limit)
    assert counter.locator("[data-full]").is_visible()
    assert f"at most {limit} characters" in counter.locator("[data-full]").inner_text()
