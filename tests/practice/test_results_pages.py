"""What the results, call and review pages show: hidden facts at the turn where the customer said
them, names (never internal codes) for rules, skills, criteria and objection types, rejected
findings shown as rejected, one rounding of the overall score, units and plural forms."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Scenario
from practice import review, selectors, services
from practice.calls import call_import
from practice.models import Finding, ItemStatus
from practice.persona.engine import transcript_turns
from practice.scoring.pipeline import scorecard_score

pytestmark = pytest.mark.django_db

BREACH = "这款产品稳赚不赔，收益是保证的，年化8%。"
CALL_TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "想了解一下您家里的情况，孩子多大了？平时收入怎么样？"},
    {"speaker": "customer", "text": "孩子五岁。"},
    {"speaker": "agent", "text": BREACH},
    {"speaker": "customer", "text": "真的吗？我再考虑考虑。"},
    {"speaker": "agent", "text": "您别急，可以先看看条款，签约后还有15天犹豫期。"},
    {"speaker": "customer", "text": "好的。"},
]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def visible(html: str) -> str:
    """The page's text without tags and attributes (codes may live in data-* attributes)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


def run_session(user, scenario, lines, seed=7):
    conversation = services.session_start(user=user, scenario=scenario, seed=seed)
    for line in lines:
        services.turn_submit(conversation=conversation, user=user, text=line)
        services.reply_generate(conversation=conversation)
        conversation.refresh_from_db()
    services.session_finish(conversation=conversation, user=user, queue_scoring=False)
    scorecard_score(scorecard_id=conversation.scorecards.get().pk, notify=False)
    return conversation


def scored_call(org, trainer, turns=CALL_TURNS, title="call"):
    conversation = call_import(
        organisation=org, actor=trainer, title=title, language="zh", turns=turns
    )
    scorecard_score(scorecard_id=conversation.scorecards.get().pk, notify=False)
    return conversation, conversation.scorecards.get()


# --- hidden facts at the right turn ---------------------------------------------------------
def test_engine_turns_map_to_the_customer_turn_that_answered():
    # the customer opens: agent message 1 is #1, its answer #2; message 2 → #4
    speakers = ["customer", "agent", "customer", "agent", "customer", "agent"]
    assert transcript_turns(speakers) == {1: 2, 2: 4}  # message 3 has no answer yet
    assert transcript_turns(["agent", "customer", "agent", "customer"]) == {1: 1, 2: 3}


@pytest.mark.parametrize(
    "code, lines, fact",
    [
        (
            "zh-ci-young-mother",
            [
                "您好林女士，我是安澜人寿的顾问李明，执业证号A12345。",
                "您家里现在是什么情况呢？有几个孩子？",
            ],
            "two_young_children",
        ),
        (
            "en-ci-new-father",
            [
                "Hi Mr. Zhang, I'm David Li from Anlan Life.",
                "Congratulations on the baby! Tell me about your family, who depends on your income?",
            ],
            "baby_daughter",
        ),
    ],
)
def test_hidden_fact_is_numbered_like_the_transcript(login, seeded_org, agent, code, lines, fact):
    scenario = Scenario.objects.get(organisation=seeded_org, code=code)
    conversation = run_session(agent, scenario, lines)
    turns = selectors.conversation_turns(conversation)
    reveal = selectors.session_reveal(conversation, turns)
    item = next(f for f in reveal["facts"] if f["code"] == fact)
    assert item["discovered"] and item["turn"] == 4
    said = turns[4]
    assert said.speaker == "customer"
    assert item["text"].lower()[1:30] in said.text.lower()

    html = login(agent).get(f"/practice/sessions/{conversation.pk}/results/").content.decode()
    reveal_html = section(html, "reveal")
    assert 'data-turn="4"' in reveal_html and "#4" in reveal_html
    assert "#2" not in reveal_html


def test_objection_types_are_shown_by_name(login, seeded_org, agent):
    scenario = Scenario.objects.get(organisation=seeded_org, code="en-ci-new-father")
    conversation = run_session(
        agent,
        scenario,
        ["Hi Mr. Zhang, I'm David Li from Anlan Life.", "What budget do you have in mind?"],
    )
    html = english(login(agent)).get(f"/practice/sessions/{conversation.pk}/results/")
    reveal_html = section(html.content.decode(), "reveal")
    text = visible(reveal_html)
    assert "Too expensive" in text and "Must ask my spouse" in text
    assert not re.search(r'class="badge">(price|spouse)<', reveal_html)
    assert "price" not in text


# --- review: titles, skill names, rejected findings -----------------------------------------
def test_review_page_shows_rule_titles_and_skill_names(login, seeded_org, trainer):
    _, scorecard = scored_call(seeded_org, trainer)
    html = english(login(trainer)).get(f"/practice/review/{scorecard.pk}/").content.decode()
    text = visible(html)
    assert "Promising guaranteed returns" in text
    assert "guaranteed_return" not in text
    assert "Needs discovery · weight" in text
    assert "discovery · weight" not in text.replace("Needs discovery · weight", "")
    transcript = text[text.index("Transcript") :]
    assert "Promising guaranteed returns" in transcript


def test_rejected_finding_is_shown_rejected_in_the_review_transcript(login, seeded_org, trainer):
    _, scorecard = scored_call(seeded_org, trainer)
    finding = scorecard.findings.get(rule_code="guaranteed_return")
    client = english(login(trainer))
    # rejected with htmx: the panel comes back with the transcript swapped out of band
    response = client.post(
        f"/practice/review/{scorecard.pk}/findings/{finding.pk}/",
        {"action": "reject", "comment": "客户只是在复述广告"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="review-transcript"' in html and 'hx-swap-oob="outerHTML"' in html
    for page in (html, client.get(f"/practice/review/{scorecard.pk}/").content.decode()):
        transcript = page[page.index('id="review-transcript"') :]
        bubble = re.search(rf'<div class="bubble agent([^"]*)" id="t{finding.turn}">', transcript)
        assert bubble and "flagged" not in bubble.group(1)
        turn_html = transcript[bubble.end() : transcript.index('<div class="bubble', bubble.end())]
        assert "data-rejected" in turn_html and "<s" in turn_html
        assert "note problem" not in turn_html and "badge-serious" not in turn_html
    # the agent's page hides it, as before
    results = client.get(f"/practice/calls/{scorecard.conversation_id}/").content.decode()
    assert 'data-finding="guaranteed_return"' not in results


def test_agreement_page_names_rules_and_criteria(login, seeded_org, trainer):
    _, scorecard = scored_call(seeded_org, trainer)
    review.scorecard_review_complete(scorecard=scorecard, reviewer=trainer)
    client = english(login(trainer))
    with CaptureQueriesContext(connection) as one:
        html = client.get("/practice/review/agreement/").content.decode()
    text = visible(html)
    assert "Disparaging competitors" in text and "Promising guaranteed returns" in text
    assert "Needs discovery" in text and "Compliant opening" in text
    for code in ("competitor_disparagement", "guaranteed_return", "needs_discovery", "call-qa"):
        assert code not in text
    assert "<code>" not in html

    for title in ("second", "third"):
        _, more = scored_call(seeded_org, trainer, title=title)
        review.scorecard_review_complete(scorecard=more, reviewer=trainer)
    with CaptureQueriesContext(connection) as three:
        client.get("/practice/review/agreement/")
    assert len(three) == len(one)


def test_review_and_results_pages_keep_a_constant_query_count(login, seeded_org, trainer):
    _, few = scored_call(seeded_org, trainer, title="few")
    _, many = scored_call(seeded_org, trainer, title="many")
    # more findings, of more rules, on the second card
    for turn, rule in (
        (2, "false_urgency"),
        (6, "competitor_disparagement"),
        (0, "proxy_signature"),
    ):
        Finding.objects.create(
            scorecard=many, rule_code=rule, severity="general", turn=turn, quote="x"
        )
    client = login(trainer)
    counts = []
    for scorecard in (few, many):
        for url in (
            f"/practice/review/{scorecard.pk}/",
            f"/practice/calls/{scorecard.conversation_id}/",
        ):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[2] and counts[1] == counts[3]


# --- one rounding, units, plurals -----------------------------------------------------------
def test_overall_is_the_same_whole_number_for_agent_and_reviewer(login, seeded_org, trainer):
    conversation, scorecard = scored_call(seeded_org, trainer)
    assert scorecard.overall == int(scorecard.overall)
    client = english(login(trainer))
    agent_view = client.get(f"/practice/calls/{conversation.pk}/").content.decode()
    reviewer_view = client.get(f"/practice/review/{scorecard.pk}/").content.decode()
    shown = re.search(r'data-testid="overall">([^<]+)<', agent_view).group(1)
    reviewed = re.search(r'data-testid="review-overall">([^<]+)<', reviewer_view).group(1)
    assert shown == reviewed == str(int(scorecard.overall))

    # after a review the recomputed overall is a whole number too
    criterion = scorecard.criteria.filter(applicable=True).first()
    review.criterion_review(criterion=criterion, reviewer=trainer, score=1.5, comment="再看")
    scorecard.refresh_from_db()
    assert scorecard.overall == int(scorecard.overall)


def test_longest_message_has_a_unit_and_counts_agree_in_number(login, seeded_org, trainer):
    conversation, scorecard = scored_call(seeded_org, trainer)
    longest = scorecard.metrics["longest_monologue"]
    html = english(login(trainer)).get(f"/practice/calls/{conversation.pk}/").content.decode()
    cell = re.search(r'data-testid="longest-message">([^<]+)<', html).group(1)
    assert cell == f"{longest} characters"
    text = visible(html)
    assert "(s)" not in text
    one = english(login(trainer))
    with_one = scored_call(seeded_org, trainer, turns=CALL_TURNS[:6], title="one")[0]
    page = visible(one.get(f"/practice/calls/{with_one.pk}/").content.decode())
    assert "1 serious violation" in page and "1 serious violations" not in page


def test_composer_shows_the_limit_in_both_languages(login, seeded_org, agent):
    scenario = Scenario.objects.get(organisation=seeded_org, code="zh-ci-young-mother")
    conversation = services.session_start(user=agent, scenario=scenario, seed=3)
    client = login(agent)
    html = client.get(f"/practice/sessions/{conversation.pk}/").content.decode()
    limit = settings.MESSAGE_MAX_CHARS
    assert f'maxlength="{limit}"' in html
    assert 'data-char-counter="message"' in html and "js/composer.js" in html
    counter = html[html.index('data-char-counter="message"') :]
    counter = counter[: counter.index("</p>")]
    assert str(limit) in counter and "data-cut" in counter and "data-near" in counter
    english(client)
    html = client.get(f"/practice/sessions/{conversation.pk}/").content.decode()
    assert f"At most {limit} characters per message." in html


def test_rejected_findings_are_kept_for_the_review_panel(seeded_org, trainer):
    conversation, scorecard = scored_call(seeded_org, trainer)
    finding = scorecard.findings.get(rule_code="guaranteed_return")
    Finding.objects.filter(pk=finding.pk).update(review_status=ItemStatus.REJECTED)
    scorecard = review.review_scorecard_get(user=trainer, pk=scorecard.pk)
    turns = selectors.conversation_turns(conversation)
    context = selectors.scorecard_context(conversation, scorecard, turns)
    assert finding.pk in {f.pk for f in context["all_findings"]}
    assert finding.pk not in {f.pk for f in context["findings"]}
    row = context["turn_rows"][finding.turn]
    assert row["findings"] == [] and [f.pk for f in row["rejected"]] == [finding.pk]
    assert all(f.rule_title != f.rule_code for f in context["all_findings"])
