"""Bad input against every operation of the OpenAPI schema: no 500, JSON errors with ``detail``.

A small property-style generator walks the schema's operations (so a new endpoint is covered
without a new test) and sends what clients get wrong or attackers try: missing bodies, wrong
types, nulls, huge strings, NUL bytes and odd Unicode, malformed JSON, odd path and query values.
Oversize bodies are refused with 400/413 before they are parsed.
"""

import json
import re

import pytest
from rest_framework.test import APIClient

from cases.models import Case
from knowledge.models import Product
from practice import services
from practice.calls import call_import
from practice.models import Turn

pytestmark = pytest.mark.django_db

HUGE = "长" * 60_000
ODD_STRINGS = [
    "",
    " ",
    HUGE,
    "nul\x00byte",
    "😀𝓤\u202eRTL\u200b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00%ff",
]
ODD_VALUES = [None, 0, -1, 10**30, 3.5, True, [], {}, ["x"], {"a": {"b": [None]}}, *ODD_STRINGS]
ODD_PATH = ["0", "-1", "999999999", str(10**30), "abc", "%E4%BA%A7%E5%93%81", "a" * 300]
ODD_QUERY = ["", "-1", "0", "abc", "9" * 40, "nul\x00byte", "😀", "<script>", "a" * 5000]


@pytest.fixture
def world(seeded_org, agent, trainer, scenario_zh):
    conversation = services.session_start(user=agent, scenario=scenario_zh)
    call = call_import(
        organisation=seeded_org,
        actor=trainer,
        title="call",
        language="zh",
        turns=[{"speaker": "agent", "text": "您好"}, {"speaker": "customer", "text": "你好"}],
    )
    return {
        "sessions": conversation.pk,
        "calls": call.pk,
        "agents": agent.pk,
        "scenarios": scenario_zh.pk,
        "products": Product.objects.filter(organisation=seeded_org).first().code,
        "cases": Case.objects.filter(organisation=seeded_org).first().slug,
    }


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        client = APIClient()
        response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        node = schema["components"]["schemas"][name]
    return node


def operations(schema):
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def fill_path(path, world, value=None):
    def sub(match):
        if value is not None:
            return value
        collection = path.strip("/").split("/")[2]
        return str(world.get(collection, 1))

    return re.sub(r"\{[^}]+\}", sub, path)


def body_cases(schema, op):
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return []
    body = resolve(schema, content["application/json"].get("schema", {}))
    properties = {k: resolve(schema, v) for k, v in (body.get("properties") or {}).items()}
    cases = [None, [], "text", 12, {}]
    for name in properties:
        for value in ODD_VALUES:
            cases.append({name: value})
        cases.append({name: [{"speaker": "agent", "text": "nul\x00byte"}, {"text": None}]})
    cases.append(dict.fromkeys(properties, HUGE))
    return cases


def assert_clean(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:500])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), (what, response.status_code)
        assert response.json().get("detail"), (what, response.content[:300])


def callers(agent, trainer):
    return {"agent": agent, "trainer": trainer}


def test_every_operation_survives_bad_bodies(schema, world, agent, trainer):
    checked = 0
    for path, method, op in operations(schema):
        if method not in {"post", "put", "patch"}:
            continue
        for role, user in callers(agent, trainer).items():
            client = APIClient()
            client.force_authenticate(user)
            url = fill_path(path, world)
            for body in body_cases(schema, op):
                response = client.generic(
                    method.upper(), url, json.dumps(body), content_type="application/json"
                )
                assert_clean(response, (role, method, url, repr(body)[:80]))
                checked += 1
            for raw, content_type in (
                ("{bad json", "application/json"),
                ('{"text": "\\ud800"}', "application/json"),
                ("text=hello", "text/plain"),
                ("\xff\xfe", "application/json"),
            ):
                response = client.generic(method.upper(), url, raw, content_type=content_type)
                assert_clean(response, (role, method, url, raw))
                checked += 1
    assert checked > 100


def test_every_operation_survives_odd_path_and_query_values(schema, world, agent, trainer):
    checked = 0
    for path, method, op in operations(schema):
        client = APIClient()
        client.force_authenticate(trainer if "sessions" not in path else agent)
        if "{" in path:
            for value in ODD_PATH:
                url = fill_path(path, world, value)
                response = client.generic(method.upper(), url)
                assert response.status_code < 500, (method, url, response.status_code)
                checked += 1
        for param in op.get("parameters", []):
            if param["in"] != "query":
                continue
            for value in ODD_QUERY:
                response = (
                    client.generic(
                        method.upper(), fill_path(path, world), content_type="application/json"
                    )
                    if method != "get"
                    else client.get(fill_path(path, world), {param["name"]: value})
                )
                assert_clean(response, (method, path, param["name"], value[:20]))
                checked += 1
    assert checked > 100


def post_oversize(world, agent, settings):
    client = APIClient()
    client.force_authenticate(agent)
    body = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    return client.post(
        f"/api/v1/sessions/{world['sessions']}/turns/", body, content_type="application/json"
    )


def test_oversize_api_body_is_refused(world, agent, settings):
    response = post_oversize(world, agent, settings)
    assert response.status_code in (400, 413), response.status_code
    assert not Turn.objects.filter(conversation_id=world["sessions"], speaker="agent").exists()


def test_oversize_api_body_error_is_json(world, agent, settings):
    response = post_oversize(world, agent, settings)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_oversize_form_post_is_refused(world, agent, login, settings):
    response = login(agent).post(
        f"/practice/sessions/{world['sessions']}/say/",
        {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
    )
    assert response.status_code in (400, 413)


def test_oversize_and_binary_uploads_are_refused(world, trainer, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from practice.call_formats import MAX_FILE_BYTES
    from practice.models import Conversation

    client = login(trainer)
    before = Conversation.objects.filter(kind="call").count()
    big = SimpleUploadedFile("call.txt", b"A: hello\n" * (MAX_FILE_BYTES // 9 + 10))
    response = client.post("/practice/calls/upload/", {"title": "big", "file": big})
    assert response.status_code in (400, 413)
    binary = SimpleUploadedFile("call.json", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 100)
    response = client.post("/practice/calls/upload/", {"title": "png", "file": binary})
    assert response.status_code == 400
    assert Conversation.objects.filter(kind="call").count() == before


def test_nul_byte_in_a_form_post_is_a_clean_400(world, agent, login):
    response = login(agent).post(
        f"/practice/sessions/{world['sessions']}/say/", {"text": "您好\x00"}
    )
    assert response.status_code == 400
    assert not Turn.objects.filter(conversation_id=world["sessions"], speaker="agent").exists()


def test_nul_byte_in_a_query_is_a_clean_400(world, agent, login):
    assert login(agent).get("/cases/", {"q": "保险\x00"}).status_code == 400
