"""The OpenAPI document generates and validates."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_generates_and_validates(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "openapi: 3" in text
    assert "/api/v1/auth/token/" in text


@pytest.mark.django_db
def test_schema_endpoint_and_swagger_ui(client, agent):
    client.force_login(agent)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
    ui = client.get("/api/v1/docs/")
    assert ui.status_code == 200
    assert b"swagger" in ui.content.lower()
    # the UI's assets come from this server, not from a CDN
    assert b"cdn" not in ui.content.lower()
