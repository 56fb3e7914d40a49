"""In Debian's chromium: a trainer builds a course and assigns it to a team, an agent works
through part of it, a manager follows a weakness down to the conversation behind it."""

import pytest
from playwright.sync_api import expect

from coaching.services import coaching_rebuild
from tests.coaching.helpers import SKILLS, history
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_course_assignment_progress_and_manager_drill_down(
    page, live_server, seeded_org, team, agent, trainer, manager, artifacts
):
    # --- the trainer builds a course and assigns it to the agent's team
    browser_login(page, live_server, trainer.username)
    page.goto(f"{live_server.url}/dashboard/trainer/")
    page.click("[data-testid=course-builder-link]")
    page.fill("input[name=title]", "犹豫期与如实告知")
    page.fill("textarea[name=description]", "两篇知识点和一次陪练。")
    page.click("[data-testid=course-create] button[type=submit]")
    page.wait_for_load_state("networkidle")
    for count, label in enumerate(
        ("犹豫期：15天怎么算、退多少、哪些产品没有", "二孩妈妈的第一份重疾险"), 1
    ):
        page.select_option("#target", label=label)
        page.click("[data-testid=add-item] button[type=submit]")
        expect(page.locator("[data-testid=course-item]")).to_have_count(count)
    page.select_option("#to", label=team.name)
    page.click("[data-testid=assign-course] button[type=submit]")
    # the assign form swaps its card over htmx: wait for the new assignment to show
    expect(page.locator("[data-testid=course-assignments]")).to_contain_text(team.name)
    # assigning it again while it is open is refused in place, and nothing is added
    page.select_option("#to", label=team.name)
    page.click("[data-testid=assign-course] button[type=submit]")
    expect(page.locator("[data-testid=assign-error]")).to_be_visible()
    expect(page.locator("[data-testid=course-assignment]")).to_have_count(1)
    page.screenshot(path=artifacts / "coaching-course-builder.png", full_page=True)

    # --- the agent sees it on the home page and studies the article
    page.context.clear_cookies()
    browser_login(page, live_server, agent.username)
    assignments = page.locator("[data-testid=agent-assignments]")
    assert "犹豫期与如实告知" in assignments.inner_text()
    assert "0/2" in assignments.inner_text()
    assignments.locator("a", has_text="犹豫期与如实告知").click()
    page.wait_for_load_state("networkidle")
    with page.expect_response(lambda r: r.url.endswith("/studied/")):
        page.click("[data-testid=mark-studied]")
    assert page.locator("[data-testid=item-done]").count() == 1
    page.reload()
    assert "1 / 2" in page.locator("[data-testid=my-progress]").inner_text().replace(
        "1 of 2", "1 / 2"
    ) or ("1" in page.locator("[data-testid=my-progress]").inner_text())
    page.screenshot(path=artifacts / "coaching-agent-course.png", full_page=True)

    # --- scorecards accumulate: a recurring weakness for the agent
    weak = {**dict.fromkeys(SKILLS, 0.8), "objection": 0.3}
    history(
        agent,
        [
            {
                "skills": weak,
                "findings": [("false_urgency", "general")],
                "checkpoints": {"cooling_off_disclosed": False, "identity_disclosed": True},
            }
        ]
        * 4,
    )
    coaching_rebuild(organisation=seeded_org)
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=agent-recommended] [data-testid=drill-start]").count() >= 1
    assert page.locator("[data-testid=skill-profile] canvas").count() == 1  # the radar is drawn
    page.screenshot(path=artifacts / "coaching-agent-home.png", full_page=True)

    # --- the manager opens the dashboard and drills down
    page.context.clear_cookies()
    browser_login(page, live_server, manager.username)
    page.goto(f"{live_server.url}/dashboard/team/")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=heat-cell]").count() == 7
    assert page.locator("[data-testid=skills-weekly] canvas").count() == 1
    page.screenshot(path=artifacts / "coaching-manager-dashboard.png", full_page=True)
    page.locator("[data-testid=weakness-link]", has_text="异议处理").first.click()
    page.wait_for_load_state("networkidle")
    assert "/dashboard/team/agents/" in page.url
    page.click("[data-testid=agent-link]")
    page.wait_for_load_state("networkidle")
    assert agent.name in page.locator("h1").inner_text()
    page.screenshot(path=artifacts / "coaching-manager-agent.png", full_page=True)
    page.locator("[data-testid=conversation-link]").first.click()
    page.wait_for_load_state("networkidle")
    assert "/practice/sessions/" in page.url
    page.screenshot(path=artifacts / "coaching-manager-conversation.png", full_page=True)

    # the same dashboard in English
    page.click("[data-testid=lang-en]")
    page.goto(f"{live_server.url}/dashboard/team/")
    page.wait_for_load_state("networkidle")
    assert "Team dashboard" in page.locator("h1").inner_text()
    page.screenshot(path=artifacts / "coaching-manager-dashboard-en.png", full_page=True)
