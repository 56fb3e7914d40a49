"""Case library and scenarios: services (turn parsing, annotations, rubric versions, "practise
this case"), pages and forms, permissions, tenant isolation, query counts and the API."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent, Role
from cases import services
from cases.models import Case, CaseAnnotation, Rubric, Scenario
from config.errors import DomainError
from knowledge.bundles import bundle_import
from knowledge.validation import BundleError
from tests.factories import UserFactory
from tests.knowledge.conftest import sized_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(org):
    bundle_import(organisation=org, data=sized_bundle(2))
    return org


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


# --- Services -----------------------------------------------------------------------------
def test_turns_from_text_parses_both_languages_and_names_bad_lines():
    turns = services.turns_from_text(
        "坐席：您好，我是小陈\n客户: 嗯\n  接着说\n\nAgent: Hi\ncustomer: hello"
    )
    assert [t["speaker"] for t in turns] == ["agent", "customer", "agent", "customer"]
    assert turns[1]["text"] == "嗯\n接着说"
    with pytest.raises(BundleError, match="第 2 行"):
        services.turns_from_text("\n没有前缀的一行\n坐席: 你好")


def test_case_edit_keeps_annotations_of_unchanged_turns(content, trainer):
    case = Case.objects.get(slug="c-p0")
    services.annotation_add(
        case=case, turn_index=0, kind="good", comment="开场清楚", skill="opening", actor=trainer
    )
    assert case.annotations.count() == 2
    services.case_save(
        organisation=content,
        case=case,
        actor=trainer,
        data={
            "title": "新标题",
            "language": "zh",
            "outcome": "lost",
            "product": "p0",
            "turns": [{"speaker": "agent", "text": "您好"}],
        },
    )
    case.refresh_from_db()
    assert case.title == "新标题" and case.turns.count() == 1
    # the annotation on the removed turn went with it; the one on turn 0 stays
    assert list(case.annotations.values_list("comment", flat=True)) == ["开场清楚"]


def test_annotation_add_validates_and_remove(content, trainer):
    case = Case.objects.get(slug="c-p0")
    with pytest.raises(DomainError, match="本案例没有第 9 轮"):
        services.annotation_add(case=case, turn_index=9, kind="good", comment="x")
    with pytest.raises(DomainError):
        services.annotation_add(case=case, turn_index=0, kind="good", comment="x", rule="made_up")
    note = services.annotation_add(
        case=case, turn_index=0, kind="problem", comment="催促", rule="false_urgency", actor=trainer
    )
    assert note.rule.code == "false_urgency" and note.author == trainer
    services.annotation_remove(case=case, annotation_id=note.pk, actor=trainer)
    assert not CaseAnnotation.objects.filter(pk=note.pk).exists()


def test_editing_a_rubric_creates_a_new_version(content, trainer):
    scenario = Scenario.objects.get(code="s-p0")
    from cases.selectors import scenario_record

    record = scenario_record(scenario)
    old = scenario.rubric
    record["rubric"]["criteria"][0]["weight"] = 55
    record["rubric"]["criteria"][1]["weight"] = 45
    services.scenario_save(organisation=content, data=record, actor=trainer, scenario=scenario)
    scenario.refresh_from_db()
    assert scenario.rubric.version == old.version + 1 and scenario.rubric.code == old.code
    assert Rubric.objects.filter(pk=old.pk).exists()  # old version stays
    assert Scenario.objects.get(code="s-p1").rubric == old
    assert AuditEvent.objects.filter(action="scenario.updated").exists()


def test_practise_this_case_drafts_a_scenario(seeded, trainer):
    case = Case.objects.get(organisation=seeded, slug="zh-ci-young-mother-price-won")
    scenario = services.scenario_create_from_case(case=case, actor=trainer)
    assert scenario.source_case == case and scenario.product == case.product
    assert scenario.language == "zh" and scenario.code.startswith("from-")
    persona = scenario.persona
    assert persona["opening_line"] == case.turns.filter(speaker="customer").first().text
    assert [o["type"] for o in persona["objections"]] == ["price"]
    assert "贵" in persona["objections"][0]["line"]
    assert persona["hidden_facts"]  # drafted from the customer's words
    again = services.scenario_create_from_case(case=case, actor=trainer)
    assert again.code != scenario.code  # a second draft does not overwrite the first
    case.product = None
    case.save()
    with pytest.raises(DomainError):
        services.scenario_create_from_case(case=case, actor=trainer)


# --- Pages --------------------------------------------------------------------------------
def test_case_library_filters_and_partial(content, agent, login):
    Case.objects.filter(slug="c-p1").update(outcome="lost", language="en")
    client = login(agent)
    html = client.get("/cases/", {"outcome": "lost"}).content.decode()
    assert "案例1" in html and "案例0" not in html
    partial = client.get(
        "/cases/",
        {"language": "zh", "objection": "price"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="case-list",
    )
    body = partial.content.decode()
    assert "案例0" in body and "案例1" not in body and "<html" not in body
    assert "案例0" not in client.get("/cases/", {"product": "p1"}).content.decode()
    assert "案例0" not in client.get("/cases/", {"skill": "closing"}).content.decode()


def test_case_page_shows_the_annotated_transcript(seeded, agent, login):
    case = Case.objects.get(organisation=seeded, slug="zh-ci-young-mother-price-won")
    html = login(agent).get(case.get_absolute_url()).content.decode()
    assert html.count('data-testid="annotation"') == case.annotations.count()
    assert 'class="note good"' in html and case.summary in html
    assert "practise-case" not in html  # the button is for trainers


def test_case_page_problem_annotation_shows_rule_badge(content, agent, login):
    html = login(agent).get("/cases/c-p0/").content.decode()
    assert 'class="note problem"' in html and "badge-general" in html


def test_trainer_creates_a_case_and_annotates_with_htmx(org, trainer, login):
    bundle_import(organisation=org, data={"products": sized_bundle(1)["products"]})
    client = login(trainer)
    response = client.post(
        "/cases/new/",
        {
            "slug": "new-case",
            "title": "新案例",
            "language": "zh",
            "product": "p0",
            "outcome": "follow_up",
            "skills": ["objection"],
            "objection_types": ["spouse"],
            "turns": "坐席: 您好，我是安澜的小李\n客户: 我要和老婆商量一下",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    case = Case.objects.get(slug="new-case")
    assert case.turns.count() == 2
    response = client.post(
        "/cases/new-case/annotations/",
        {"turn": 1, "kind": "good", "comment": "给客户时间"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="transcript",
    )
    assert response.status_code == 200 and "给客户时间" in response.content.decode()
    assert "<html" not in response.content.decode()
    bad = client.post(
        "/cases/new-case/annotations/",
        {"turn": 7, "kind": "good", "comment": "x"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="transcript",
    )
    assert "本案例没有第 7 轮（可选 0-1）" in bad.content.decode()
    note = case.annotations.get()
    response = client.post(f"/cases/new-case/annotations/{note.pk}/delete/")
    assert response.status_code == 302 and not case.annotations.exists()


def test_case_form_reports_the_bad_transcript_line(org, trainer, login):
    # a line without a prefix continues the previous turn; text before any turn is an error
    response = login(trainer).post(
        "/cases/new/",
        {
            "slug": "bad",
            "title": "x",
            "language": "zh",
            "outcome": "won",
            "turns": "你好\n坐席: 你好",
        },
    )
    assert response.context["form"].errors["turns"][0].startswith("第 1 行：")


def test_scenario_catalogue_and_brief_hide_the_persona_secrets(seeded, agent, login, api_client):
    client = login(agent)
    scenario = (
        Scenario.objects.filter(organisation=seeded).exclude(persona__hidden_facts=[]).first()
    )
    html = client.get("/cases/scenarios/").content.decode()
    assert scenario.title in html
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert scenario.persona["public_profile"] in page
    assert f'action="/practice/start/{scenario.code}/"' in page
    for criterion in scenario.rubric.criteria:
        assert str(criterion["weight"]) in page
    secrets = [f["text"] for f in scenario.persona["hidden_facts"]] + [
        o["line"] for o in scenario.persona["objections"]
    ]
    for secret in secrets:
        assert secret not in page
    api_client.force_authenticate(agent)
    detail = api_client.get(f"/api/v1/scenarios/{scenario.pk}/").json()
    text = str(detail)
    assert detail["brief"]["public_profile"] == scenario.persona["public_profile"]
    assert detail["rubric"]["criteria"] and detail["sop"]
    for secret in secrets:
        assert secret not in text
    assert set(detail["brief"]) == {"name", "public_profile", "temperament"}
    assert "persona" not in detail and "trigger" not in text


def test_scenario_filters(content, agent, login, api_client):
    Scenario.objects.filter(code="s-p1").update(language="en", difficulty="hard")
    client = login(agent)
    assert "场景1" not in client.get("/cases/scenarios/", {"language": "zh"}).content.decode()
    partial = client.get(
        "/cases/scenarios/",
        {"difficulty": "hard"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="scenario-list",
    )
    assert "场景1" in partial.content.decode() and "场景0" not in partial.content.decode()
    api_client.force_authenticate(agent)
    results = api_client.get("/api/v1/scenarios/", {"product": "p0"}).json()["results"]
    assert [r["code"] for r in results] == ["s-p0"]
    assert set(results[0]) == {"id", "code", "title", "language", "product", "difficulty", "goal"}


def test_trainer_creates_a_scenario_through_the_form(content, trainer, login):
    client = login(trainer)
    criteria = [{"code": "needs", "skill": "discovery", "title_zh": "需求", "weight": 100}]
    data = {
        "title": "新场景",
        "code": "new-scenario",
        "language": "zh",
        "difficulty": "easy",
        "product": "p0",
        "goal": "了解需求",
        "persona_name": "赵女士",
        "public_profile": "40岁教师",
        "temperament": "friendly",
        "initial_trust": 50,
        "buy_threshold": 70,
        "patience": 8,
        "opening_line": "你好",
        "hidden_facts": "- {code: kid, topic: family, text: 有两个孩子}",
        "objections": "- {code: price, type: price, line: 太贵了, trigger: {after_turn: 3}, resolved_by: [cost_breakdown]}",
        "sop": "- {stage_zh: 开场, stage_en: Opening, checkpoints: [identity_disclosed]}",
        "rubric_code": "new-rubric",
        "criteria": yaml.safe_dump(criteria, allow_unicode=True),
    }
    response = client.post("/cases/scenarios/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    scenario = Scenario.objects.get(code="new-scenario")
    assert scenario.persona["hidden_facts"][0]["topic"] == "family"
    assert scenario.rubric.criteria[0]["max_score"] == 5

    bad = {
        **data,
        "code": "bad-one",
        "objections": "- {code: o, type: price, line: 贵, trigger: {at: 3}, resolved_by: [cost_breakdown]}",
        "criteria": "- {code: a, skill: discovery, title_zh: x, weight: 40}",
    }
    response = client.post("/cases/scenarios/new/", bad)
    errors = response.context["form"].errors
    assert errors["objections"][0].startswith("#1 trigger: ")  # positions count from 1
    assert errors["criteria"][0] == "各项权重合计为 40，应为 100"  # no record path, in Chinese
    broken = client.post("/cases/scenarios/new/", {**data, "code": "broken", "sop": "- [unclosed"})
    assert "1" in broken.context["form"].errors["sop"][0]  # names the line, in either language
    assert not Scenario.objects.filter(code__in=["bad-one", "broken"]).exists()


def test_scenario_form_shows_temperament_labels_and_stores_codes(content, trainer, login):
    import re

    from django.utils import translation

    from cases.forms import ScenarioForm
    from knowledge.validation import TEMPERAMENTS

    with translation.override("en"):
        choices = dict(ScenarioForm.base_fields["temperament"].choices)
        assert list(choices) == list(TEMPERAMENTS)  # the stored values are the codes
        assert str(choices["friendly"]) == "Friendly" and str(choices["skeptical"]) == "Skeptical"
    html = login(trainer).get("/cases/scenarios/new/").content.decode()
    select = html[html.index('name="temperament"') :]
    options = dict(
        re.findall(
            r'<option value="(\w+)"[^>]*>([^<]*)</option>', select[: select.index("</select>")]
        )
    )
    assert set(options) == set(TEMPERAMENTS)
    assert all(label.strip() != code for code, label in options.items())  # no raw codes shown


def test_practise_button_drafts_and_opens_the_editor(seeded, trainer, login):
    case = Case.objects.filter(organisation=seeded, product__isnull=False).first()
    client = login(trainer)
    assert client.get(f"/cases/{case.slug}/practise/").status_code == 405
    response = client.post(f"/cases/{case.slug}/practise/")
    assert response.status_code == 302 and response["Location"].endswith("/edit/")
    assert client.get(response["Location"]).status_code == 200


# --- Permissions, isolation, query counts -------------------------------------------------
TRAINER_URLS = [
    "/cases/new/",
    "/cases/c-p0/edit/",
    "/cases/scenarios/new/",
    "/cases/scenarios/s-p0/edit/",
]


@pytest.mark.parametrize("role", [Role.AGENT, Role.MANAGER])
def test_case_and_scenario_forms_are_for_trainers(content, login, role):
    client = login(UserFactory(organisation=content, role=role))
    for url in TRAINER_URLS:
        assert client.get(url).status_code == 403, url
    for url in ["/cases/c-p0/practise/", "/cases/c-p0/annotations/"]:
        assert client.post(url, {}).status_code == 403, url


def test_other_organisations_cases_and_scenarios_are_404(
    content, outsider_trainer, login, api_client
):
    client = login(outsider_trainer)
    for url in ["/cases/c-p0/", "/cases/scenarios/s-p0/", *TRAINER_URLS[1:2], TRAINER_URLS[3]]:
        assert client.get(url).status_code == 404, url
    assert client.post("/cases/c-p0/practise/").status_code == 404
    api_client.force_authenticate(outsider_trainer)
    scenario = Scenario.objects.get(code="s-p0")
    assert api_client.get(f"/api/v1/scenarios/{scenario.pk}/").status_code == 404
    assert api_client.get("/api/v1/cases/c-p0/").status_code == 404
    assert api_client.get("/api/v1/scenarios/").json()["count"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "/cases/",
        "/cases/?objection=price",
        "/cases/scenarios/",
        "/api/v1/scenarios/",
        "/api/v1/cases/",
    ],
)
def test_list_pages_have_constant_query_counts(org, agent, login, url):
    client = login(agent)
    bundle_import(organisation=org, data=sized_bundle(2, prefix="a"))
    small = query_count(client, url)
    bundle_import(organisation=org, data=sized_bundle(10, prefix="b"))
    assert query_count(client, url) == small


def test_case_detail_query_count_does_not_grow_with_annotations(content, agent, login):
    client = login(agent)
    small = query_count(client, "/cases/c-p0/")
    case = Case.objects.get(slug="c-p0")
    for i in range(6):
        services.annotation_add(
            case=case, turn_index=i % 2, kind="good", comment=f"n{i}", skill="rapport"
        )
    assert query_count(client, "/cases/c-p0/") == small


def test_case_api(content, agent, api_client):
    api_client.force_authenticate(agent)
    listing = api_client.get("/api/v1/cases/", {"objection": "price"}).json()
    assert listing["count"] == 2
    detail = api_client.get("/api/v1/cases/c-p0/").json()
    assert detail["turns"][1]["annotations"][0]["rule"] == "false_urgency"
