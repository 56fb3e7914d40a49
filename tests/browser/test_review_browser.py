"""In Debian's chromium with a real Celery worker: an agent finishes a session and watches the
scorecard arrive; a trainer uploads a call, opens it from the review queue and reviews it."""

import pytest

from practice import services
from practice.models import Conversation, ItemStatus, Scorecard, ScorecardStatus
from tests.conftest import browser_login, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CALL_TEXT = """坐席：您好，我是安澜人寿的顾问李明，工号A12345，我的手机是13812345678。
客户：你好，什么事？
坐席：想先了解一下您家里的情况，孩子多大了？
客户：孩子五岁。
坐席：这款产品稳赚不赔，收益是保证的，
比放银行划算多了。
客户：真的吗？
坐席：签约后有15天犹豫期，可以全额退保。我们周三下午再电话确认？
客户：可以。
"""


def test_agent_sees_the_scorecard_arrive_from_the_worker(
    page, live_server, celery_worker_process, agent, scenario_zh, artifacts
):
    conversation = services.session_start(user=agent, scenario=scenario_zh)
    for text in (
        "您好，我是安澜人寿的顾问李明，执业证号A12345。想先了解一下您家里的情况，孩子多大了？",
        "这款产品有90天等待期，等待期内确诊不赔；签约后有15天犹豫期，可以全额退保。",
    ):
        services.turn_take(conversation=conversation, user=agent, text=text)
    browser_login(page, live_server, agent.username)
    page.goto(f"{live_server.url}/practice/sessions/{conversation.pk}/")
    page.click("[data-testid=finish]")
    page.wait_for_selector("[data-testid=scorecard-pending], [data-testid=scorecard]")
    if page.locator("[data-testid=scorecard-pending]").count():
        page.screenshot(path=artifacts / "review-agent-pending.png", full_page=True)
    # nobody scores it here: the worker does, and the page polls until it is there
    page.wait_for_selector("[data-testid=scorecard]", timeout=30_000)
    assert page.locator("[data-testid=overall]").inner_text().strip().isdigit()
    scorecard = Scorecard.objects.get(conversation=conversation)
    assert scorecard.status in (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW)
    page.screenshot(path=artifacts / "review-agent-scored.png", full_page=True)


def test_trainer_uploads_a_call_and_reviews_it_from_the_queue(
    page, live_server, celery_worker_process, seeded_org, trainer, agent, artifacts, tmp_path
):
    bad = tmp_path / "bad.txt"
    bad.write_text("坐席：您好\n客户：你好\n主持人：插一句\n", encoding="utf-8")
    good = tmp_path / "三月回访.txt"
    good.write_text(CALL_TEXT, encoding="utf-8")

    browser_login(page, live_server, trainer.username)
    page.goto(f"{live_server.url}/practice/calls/")
    page.click("[data-testid=upload-call]")
    page.set_input_files("#u-file", str(bad))
    page.click("[data-testid=upload-form] button[type=submit]")
    error = page.locator("[data-testid=upload-error]")
    assert "3" in error.inner_text() and "主持人" in error.inner_text()
    page.screenshot(path=artifacts / "review-upload-error.png", full_page=True)
    assert not Conversation.objects.exists()

    page.set_input_files("#u-file", str(good))
    page.select_option("#u-agent", agent.username)
    page.select_option("#u-product", index=1)
    page.click("[data-testid=upload-form] button[type=submit]")
    page.wait_for_selector("[data-testid=scorecard]", timeout=30_000)
    assert "[PHONE]" in page.locator(".transcript").inner_text()
    assert "13812345678" not in page.content()
    page.screenshot(path=artifacts / "review-call-scored.png", full_page=True)

    page.goto(f"{live_server.url}/practice/review/")
    row = page.locator("[data-testid=review-queue] tr", has_text="三月回访")
    assert row.locator(".badge-serious").count() == 1
    page.screenshot(path=artifacts / "review-queue.png", full_page=True)
    row.locator("[data-testid=review-link]").click()
    page.wait_for_selector("[data-testid=review-panel]")
    overall_before = float(page.locator("[data-testid=review-overall]").inner_text())

    # adjust the opening criterion (htmx swaps the panel)
    opening = page.locator("[data-criterion=opening]")
    opening.locator("input[name=score]").fill("1")
    opening.locator("input[name=comment]").fill("开场带了个人手机号，不规范")
    opening.locator("[data-testid=adjust-criterion]").click()
    page.wait_for_selector("[data-criterion=opening] .badge-warn")
    overall_after = float(page.locator("[data-testid=review-overall]").inner_text())
    assert overall_after <= overall_before

    # reject the serious finding without a reason: refused in place; with one: the cap lifts
    finding = page.locator("[data-finding=guaranteed_return]").first
    finding.locator("[data-testid=reject-finding]").click()
    page.wait_for_selector("[data-finding=guaranteed_return] [data-testid=review-error]")
    page.locator("[data-finding=guaranteed_return] input[name=comment]").first.fill(
        "培训录音，非真实销售"
    )
    page.locator("[data-finding=guaranteed_return] [data-testid=reject-finding]").first.click()
    page.wait_for_selector("[data-finding=guaranteed_return] .badge-bad")
    page.screenshot(path=artifacts / "review-scorecard.png", full_page=True)

    page.click("[data-testid=complete-review]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=review-status]').innerText.trim() !== ''"
        " && document.querySelectorAll('[data-testid=audit-trail] li').length >= 3"
    )
    scorecard = wait_for(
        lambda: Scorecard.objects.filter(status=ScorecardStatus.REVIEWED).first(), timeout=10
    )
    assert scorecard.reviewed_by == trainer
    assert scorecard.criteria.get(code="opening").review_status == ItemStatus.ADJUSTED
    assert "完成复核" in page.locator("[data-testid=audit-trail]").inner_text()
    page.screenshot(path=artifacts / "review-completed.png", full_page=True)
