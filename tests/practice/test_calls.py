"""Imported real calls: file formats, redaction before storage, the calls API and its permissions,
and the call pages."""

import json

import pytest

from accounts.models import AuditEvent, Role
from config.errors import DomainError
from practice.call_formats import MAX_FILE_BYTES, CallFormatError, parse_call_file
from practice.calls import call_import
from practice.models import Conversation, Scorecard, ScorecardStatus, Turn
from practice.scoring.pipeline import scorecard_score
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids), whatever translations exist."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


GOOD_TURNS = [
    {
        "speaker": "agent",
        "text": "您好，我是安澜人寿的顾问李明，工号A12345，今天想跟您聊聊家庭保障。",
    },
    {"speaker": "customer", "text": "你好，你说吧。"},
    {"speaker": "agent", "text": "方便问一下您家里有几口人？孩子多大了？"},
    {"speaker": "customer", "text": "两个孩子，一个五岁一个八岁。"},
    {
        "speaker": "agent",
        "text": "这款重疾险有90天等待期，等待期内确诊的不赔，投保时请如实告知健康情况。",
    },
    {"speaker": "customer", "text": "好的，我考虑一下。"},
    {
        "speaker": "agent",
        "text": "签约后有15天犹豫期，期间可以全额退保。那我们周三下午再电话确认？",
    },
    {"speaker": "customer", "text": "可以。"},
]


# --- parsers --------------------------------------------------------------------------------
def test_json_object_with_title_and_language():
    data = json.dumps({"title": "回访", "language": "zh", "turns": GOOD_TURNS}, ensure_ascii=False)
    parsed = parse_call_file("call.json", data.encode())
    assert parsed.title == "回访" and parsed.language == "zh" and parsed.format == "json"
    assert parsed.turns == [{"speaker": t["speaker"], "text": t["text"]} for t in GOOD_TURNS]


def test_json_bare_list_detects_english_and_takes_the_file_name_as_title():
    turns = [
        {"speaker": "Agent", "text": "Hello, this is Li Ming from Anlan Life."},
        {"speaker": "Customer", "text": "Hi, what is it about?"},
    ]
    parsed = parse_call_file("follow-up 0301.json", json.dumps(turns).encode())
    assert parsed.language == "en"
    assert parsed.title == "follow-up 0301"
    assert [t["speaker"] for t in parsed.turns] == ["agent", "customer"]


def test_csv_with_chinese_speaker_labels_and_quoted_cells():
    data = (
        "speaker,text\n"
        "坐席,您好，我是安澜人寿的李明。\n"
        '客户,"你好，\n什么事？"\n'
        "销售,想跟您聊聊保障。\n"
        "顾问,Agent by another name.\n"
    )
    parsed = parse_call_file("call.csv", data.encode("utf-8-sig"))
    assert [t["speaker"] for t in parsed.turns] == ["agent", "customer", "agent", "agent"]
    assert parsed.turns[1]["text"] == "你好，\n什么事？"
    assert parsed.language == "zh"


def test_text_prefixes_full_width_colon_and_continuation_lines():
    data = (
        "坐席：您好，我是安澜人寿的顾问李明。\n"
        "客户: 你好。\n"
        "坐席：这款产品有90天等待期，\n"
        "等待期内确诊不赔。\n"
        "\n"
        "Customer: ok\n"
    )
    parsed = parse_call_file("call.txt", data.encode())
    assert parsed.format == "text"
    assert len(parsed.turns) == 4
    assert parsed.turns[2] == {
        "speaker": "agent",
        "text": "这款产品有90天等待期，\n等待期内确诊不赔。",
    }
    assert parsed.turns[3]["speaker"] == "customer"


def test_gb18030_text_from_windows_tools_is_accepted():
    data = "坐席：您好，我是安澜人寿的顾问。\n客户：你好，请讲。\n".encode("gb18030")
    parsed = parse_call_file("call.txt", data)
    assert parsed.encoding == "gb18030"
    assert parsed.turns[0]["text"] == "您好，我是安澜人寿的顾问。"


@pytest.mark.parametrize(
    ("name", "data", "line", "reason"),
    [
        ("call.txt", "坐席：您好\n客户：你好\n经理：我插一句\n", 3, "经理"),
        ("call.txt", "这一行没有说话人\n坐席：您好\n", 1, "speaker"),
        ("call.txt", "坐席：您好\n客户：\n", 2, "empty"),
        ("call.csv", "speaker,text\nagent,hello\nboss,hi\n", 3, "boss"),
        ("call.csv", "speaker,text\nagent,hello\ncustomer\n", 3, "column"),
        ("call.csv", "who,what\nagent,hello\n", 1, "header"),
        (
            "call.json",
            '{"turns": [\n {"speaker": "agent", "text": "hi"},\n {"speaker": "customer", "text": ""}\n]}',
            3,
            "empty",
        ),
        ("call.json", '{"turns": [\n {"speaker": "agent", "text": "hi"},\n', 3, "JSON"),
        ("call.txt", "坐席：" + "字" * 5001 + "\n", 1, "5000"),
    ],
)
def test_malformed_files_are_refused_whole_with_the_line_number(name, data, line, reason):
    with pytest.raises(CallFormatError) as caught:
        parse_call_file(name, data.encode())
    assert caught.value.line == line
    assert reason in caught.value.message
    assert f"{line}" in caught.value.message


def test_too_large_non_utf8_empty_and_too_many_turns_are_refused():
    with pytest.raises(CallFormatError, match="2 MB"):
        parse_call_file("big.txt", b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(CallFormatError, match="UTF-8"):
        parse_call_file("call.json", "坐席：你好".encode("gb18030"))
    with pytest.raises(CallFormatError, match="UTF-8"):
        parse_call_file("call.txt", b"\xff\xfe\x00garbage\x81")
    with pytest.raises(CallFormatError, match="empty"):
        parse_call_file("call.txt", b"  \n")
    many = "".join("坐席：你好\n" for _ in range(501))
    with pytest.raises(CallFormatError, match="500"):
        parse_call_file("call.txt", many.encode())


# --- the import service ---------------------------------------------------------------------
@pytest.mark.django_db
def test_pii_is_redacted_before_storage_and_flagged(seeded_org, trainer, agent):
    turns = [
        {"speaker": "agent", "text": "您好，我是安澜人寿的李明，我的手机是13812345678。"},
        {"speaker": "customer", "text": "我的身份证号是11010519491231002X，卡号6222021234567890。"},
        {
            "speaker": "customer",
            "text": "邮件发到 zhang.san@example.com 就行，电话也是138-1234-5678。",
        },
        {"speaker": "agent", "text": "好的，保费每年6850元，保额50万。"},
    ]
    conversation = call_import(
        organisation=seeded_org,
        actor=trainer,
        title="带个人信息的通话",
        language="zh",
        turns=turns,
        agent_username=agent.username,
    )
    stored = list(conversation.turns.order_by("index").values_list("text", flat=True))
    assert stored[0] == "您好，我是安澜人寿的李明，我的手机是[PHONE]。"
    assert stored[1] == "我的身份证号是[ID]，卡号[CARD]。"
    assert stored[2] == "邮件发到 [EMAIL] 就行，电话也是[PHONE]。"
    assert stored[3] == "好的，保费每年6850元，保额50万。"  # sales numbers untouched
    everything = " ".join(Turn.objects.values_list("text", flat=True))
    for secret in ("13812345678", "11010519491231002X", "6222021234567890", "zhang.san"):
        assert secret not in everything
    flags = {f["turn"]: f for f in conversation.flags}
    assert flags[0] == {"code": "redacted_pii", "turn": 0, "detail": "phone×1"}
    assert flags[1]["detail"] == "card×1, id×1"
    assert flags[2]["detail"] == "email×1, phone×1"
    assert 3 not in flags
    # the flag reaches the scorecard a reviewer reads
    scorecard = scorecard_score(scorecard_id=conversation.scorecards.get().pk)
    assert any(f["code"] == "redacted_pii" for f in scorecard.flags)
    assert AuditEvent.objects.filter(action="call.import", target_id=str(conversation.pk)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"turns": []}, "at least one turn"),
        ({"turns": [{"speaker": "agent", "text": "  "}]}, "Turn 0"),
        ({"turns": [{"speaker": "boss", "text": "hi"}]}, "boss"),
        ({"turns": [{"speaker": "agent", "text": "x" * 5001}]}, "5000"),
        ({"turns": [{"speaker": "agent", "text": "hi"}] * 501}, "500"),
        ({"agent_username": "nobody"}, "nobody"),
        ({"product_code": "no-such-product"}, "no-such-product"),
        ({"language": "fr"}, "language"),
    ],
)
def test_import_refuses_bad_input_with_a_clear_message(seeded_org, trainer, kwargs, message):
    arguments = {
        "organisation": seeded_org,
        "actor": trainer,
        "title": "t",
        "language": "zh",
        "turns": GOOD_TURNS,
        **kwargs,
    }
    with pytest.raises(DomainError, match=message):
        call_import(**arguments)
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_agent_must_be_an_agent_of_the_same_organisation(seeded_org, trainer, outsider):
    UserFactory(username="trainer_two", organisation=seeded_org, role=Role.TRAINER)
    for username in ("trainer_two", outsider.username):
        with pytest.raises(DomainError, match=username):
            call_import(
                organisation=seeded_org,
                actor=trainer,
                title="t",
                language="zh",
                turns=GOOD_TURNS,
                agent_username=username,
            )


# --- the API --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_api_import_answers_202_then_the_scorecard(api_client, seeded_org, trainer, agent):
    api_client.force_authenticate(trainer)
    product = seeded_org.products.first()
    response = api_client.post(
        "/api/v1/calls/",
        {
            "title": "三月回访",
            "language": "zh",
            "agent": agent.username,
            "product": product.code,
            "turns": GOOD_TURNS,
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "pending" and isinstance(body["id"], int)

    detail = api_client.get(f"/api/v1/calls/{body['id']}/").json()
    assert detail["agent"] == agent.username and detail["product"] == product.code
    assert [t["text"] for t in detail["turns"]] == [t["text"] for t in GOOD_TURNS]

    pending = api_client.get(f"/api/v1/calls/{body['id']}/scorecard/")
    assert pending.status_code == 202 and pending.json() == {"status": "pending"}
    scorecard = Scorecard.objects.get(conversation_id=body["id"])
    assert scorecard.rubric.code == "call-qa"
    scorecard_score(scorecard_id=scorecard.pk)
    done = api_client.get(f"/api/v1/calls/{body['id']}/scorecard/")
    assert done.status_code == 200
    card = done.json()
    assert card["status"] in {ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW}
    assert 0 <= card["overall"] <= 100
    reached = {c["code"] for c in card["checkpoints"] if c["reached"]}
    assert {"identity_disclosed", "cooling_off_disclosed", "exclusions_explained"} <= reached


@pytest.mark.django_db
def test_api_errors_are_400_json_with_detail(api_client, seeded_org, trainer):
    api_client.force_authenticate(trainer)
    for body, fragment in (
        ({"title": "x", "turns": []}, "turn"),
        ({"title": "x", "turns": [{"speaker": "agent", "text": ""}]}, "Turn 0"),
        ({"title": "x", "agent": "ghost", "turns": GOOD_TURNS}, "ghost"),
        ({"title": "x"}, "required"),
    ):
        response = api_client.post("/api/v1/calls/", body, format="json")
        assert response.status_code == 400, body
        assert fragment in response.json()["detail"]


@pytest.mark.django_db
def test_agent_gets_403_on_import_and_outsider_404_on_call(
    api_client, seeded_org, agent, trainer, outsider, outsider_trainer
):
    api_client.force_authenticate(agent)
    response = api_client.post("/api/v1/calls/", {"turns": GOOD_TURNS}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Conversation.objects.exists()

    conversation = call_import(
        organisation=seeded_org, actor=trainer, title="t", language="zh", turns=GOOD_TURNS
    )
    for intruder in (outsider, outsider_trainer):
        api_client.force_authenticate(intruder)
        for path in (
            f"/api/v1/calls/{conversation.pk}/",
            f"/api/v1/calls/{conversation.pk}/scorecard/",
        ):
            assert api_client.get(path).status_code == 404, (intruder.username, path)


# --- pages ----------------------------------------------------------------------------------
@pytest.mark.django_db
def test_upload_page_imports_and_redirects_to_the_call(login, seeded_org, trainer, agent):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(trainer)
    data = "坐席：您好，我是安澜人寿的顾问李明。\n客户：你好。\n".encode()
    response = client.post(
        "/practice/calls/upload/",
        {"file": SimpleUploadedFile("回访.txt", data), "agent": agent.username, "title": ""},
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert response["Location"] == f"/practice/calls/{conversation.pk}/"
    assert conversation.title == "回访" and conversation.source == "upload"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "您好，我是安澜人寿的顾问李明。" in page.content.decode()
    assert 'data-testid="scorecard-pending"' in page.content.decode()


@pytest.mark.django_db
def test_upload_page_shows_the_line_of_the_error_and_imports_nothing(login, seeded_org, trainer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(trainer)
    data = "坐席：您好\n客户：你好\n主持人：插话\n".encode()
    response = client.post("/practice/calls/upload/", {"file": SimpleUploadedFile("c.txt", data)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="upload-error"' in html and "3" in html and "主持人" in html
    assert not Conversation.objects.exists()


@pytest.mark.django_db
def test_call_list_filters_and_query_count(
    login, seeded_org, trainer, agent, agent_other_team, django_assert_max_num_queries
):
    for who in (agent, agent, agent_other_team):
        call_import(
            organisation=seeded_org,
            actor=trainer,
            title=f"call of {who.username}",
            language="zh",
            turns=GOOD_TURNS,
            agent_username=who.username,
        )
    scorecard_score(scorecard_id=Scorecard.objects.order_by("id").first().pk)
    client = login(trainer)
    with django_assert_max_num_queries(12):
        page = client.get("/practice/calls/")
    assert page.content.decode().count("data-call=") == 3
    filtered = client.get(
        f"/practice/calls/?agent={agent_other_team.pk}",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="call-list",
    )
    html = filtered.content.decode()
    assert html.count("data-call=") == 1 and "<html" not in html
    pending = client.get("/practice/calls/?status=pending").content.decode()
    assert pending.count("data-call=") == 2
    assert login(agent).get("/practice/calls/").status_code == 403
