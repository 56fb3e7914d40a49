"""Script injection through every kind of user-supplied text is rendered inert.

Payloads go in where users can put text: practice messages, case transcripts, article Markdown,
call titles and transcripts, and people's names. Pages escape them (checked in the HTML), and in a
real browser no script runs (no dialog opens).
"""

from html.parser import HTMLParser

import pytest

from accounts.models import Role
from knowledge.bundles import bundle_import
from practice import services
from practice.calls import call_import
from practice.models import Scorecard
from practice.scoring.pipeline import scorecard_score

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '<svg onload="alert(1)">'
LINK_MD = "[click me](javascript:alert(1))"
PAYLOADS = [SCRIPT, IMG, SVG, '"><script>alert(2)</script>', "javascript:alert(1)"]


class _LiveMarkup(HTMLParser):
    """Collects what would run: inline scripts, event-handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name.lower() in {"href", "src", "action", "formaction", "xlink:href"} and (
                (value or "").strip().lower().startswith(("javascript:", "data:text/html"))
            ):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if not dict(attrs).get("src"):
                self.problems.append("inline <script>")
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def assert_inert(html: str, where: str) -> None:
    parser = _LiveMarkup()
    parser.feed(html)
    assert not parser.problems, f"{where}: {parser.problems}"


def build_payload_world(org, agent, trainer, scenario):
    """Every place where users write text, filled with payloads; returns the pages to visit."""
    agent.display_name = IMG
    agent.save(update_fields=["display_name"])
    session = services.session_start(user=agent, scenario=scenario)
    for payload in (SCRIPT, IMG, f"您好 {SVG} {LINK_MD}"):
        services.turn_take(conversation=session, user=agent, text=payload)
    finished = services.session_start(user=agent, scenario=scenario)
    services.turn_take(conversation=finished, user=agent, text=f"{SCRIPT} 稳赚不赔 {IMG}")
    scorecard = services.session_finish(conversation=finished, user=agent)
    scorecard_score(scorecard_id=scorecard.pk)
    bundle_import(
        organisation=org,
        actor=trainer,
        data={
            "articles": [
                {
                    "slug": "xss-article",
                    "kind": "knowledge",
                    "language": "zh",
                    "title": f"标题 {SCRIPT}",
                    "body": f"# Heading\n\n{SCRIPT}\n\n{IMG}\n\n{SVG}\n\n{LINK_MD}\n\n"
                    '<a href="javascript:alert(1)">raw link</a>\n',
                    "products": [],
                    "skills": ["objection"],
                    "objection_types": [],
                }
            ],
            "cases": [
                {
                    "slug": "xss-case",
                    "language": "zh",
                    "title": f"案例 {IMG}",
                    "summary": f"摘要 {SCRIPT}",
                    "product": None,
                    "outcome": "lost",
                    "source": SVG,
                    "skills": ["opening"],
                    "objection_types": [],
                    "turns": [
                        {"speaker": "agent", "text": f"您好 {SCRIPT}"},
                        {"speaker": "customer", "text": f"你好 {IMG}"},
                    ],
                    "annotations": [{"turn": 0, "kind": "problem", "comment": SVG}],
                }
            ],
        },
    )
    call = call_import(
        organisation=org,
        actor=trainer,
        title=f"通话 {SCRIPT}",
        language="zh",
        turns=[
            {"speaker": "agent", "text": f"您好 {IMG}"},
            {"speaker": "customer", "text": f"{SVG} 你好"},
        ],
    )
    scorecard_score(scorecard_id=Scorecard.objects.get(conversation=call).pk)
    return {
        agent: [
            f"/practice/sessions/{session.pk}/",
            f"/practice/sessions/{finished.pk}/results/",
            "/practice/sessions/",
            "/knowledge/articles/xss-article/",
            "/cases/xss-case/",
            "/cases/",
            "/",
        ],
        trainer: [
            f"/practice/calls/{call.pk}/",
            "/practice/calls/",
            f"/practice/sessions/{finished.pk}/results/",
            "/cases/xss-case/",
        ],
    }


@pytest.mark.django_db
def test_payloads_are_escaped_in_every_page(
    seeded_org, agent, trainer, manager, scenario_zh, login
):
    pages = build_payload_world(seeded_org, agent, trainer, scenario_zh)
    pages[manager] = ["/dashboard/team/agents/", "/dashboard/team/", "/"]
    seen_escaped = 0
    for user, urls in pages.items():
        client = login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            html = response.content.decode()
            assert_inert(html, f"{user.username} {url}")
            seen_escaped += html.count("&lt;script&gt;alert(1)&lt;/script&gt;")
            seen_escaped += html.count("&lt;img src=x onerror=alert(1)&gt;")
    # the payloads were really on the pages (escaped), so the check above was not vacuous
    assert seen_escaped >= 8


@pytest.mark.django_db
def test_api_returns_payloads_as_plain_json_strings(seeded_org, agent, trainer, scenario_zh):
    from rest_framework.test import APIClient

    build_payload_world(seeded_org, agent, trainer, scenario_zh)
    client = APIClient()
    client.force_authenticate(trainer)
    response = client.get("/api/v1/agents/")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    names = [a["name"] for a in response.json()["results"]]
    assert IMG in names  # data, not markup: the client escapes it when it renders


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_script_runs_in_the_browser(
    seeded_org, agent, trainer, scenario_zh, live_server, page, artifacts
):
    from tests.conftest import browser_login

    pages = build_payload_world(seeded_org, agent, trainer, scenario_zh)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for user, urls in pages.items():
        page.context.clear_cookies()
        browser_login(page, live_server, user.username)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            page.wait_for_load_state("networkidle")
            # hover and click nothing dangerous: a handler would have fired on load already
            assert not dialogs, f"script ran on {url}: {dialogs}"
        name = "agent" if user.role == Role.AGENT else "trainer"
        page.goto(f"{live_server.url}{urls[0]}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"security-xss-{name}.png"), full_page=True)
    page.goto(f"{live_server.url}/knowledge/articles/xss-article/")
    page.screenshot(path=str(artifacts / "security-xss-article.png"), full_page=True)
    # the Markdown link lost its javascript: target
    hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    assert not dialogs
