"""CSRF is enforced on every HTML POST (forms and htmx) and on session-authenticated API writes.

The test walks the URL conf, so a new form view is covered the day it is added. Token-authenticated
API calls need no CSRF token (no cookie rides along), and a POST with the token is accepted.
"""

import pytest
from django.test import Client

from tests.security.urlconf import routes

pytestmark = pytest.mark.django_db

# Views deliberately without CSRF protection: none.
CSRF_EXEMPT: set[str] = set()


def sample_url(route):
    return route.url(
        **{
            name: ("1" if name in {"pk", "item_id", "annotation_id"} else "x")
            for name in route.params
        }
    )


def test_every_html_post_without_token_is_refused(org_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org_admin)
    checked = []
    for route in routes():
        if route.is_regex or route.is_api or route.name in CSRF_EXEMPT:
            continue
        url = sample_url(route)
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.post(url, {"text": "hello"}, **headers)
            assert response.status_code == 403, (route.name, url, response.status_code)
            assert b"CSRF" in response.content, (route.name, url)
        checked.append(route.name)
    assert len(checked) > 40
    assert "practice:say" in checked and "accounts:login" in checked


def test_anonymous_login_post_without_token_is_refused():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_session_authenticated_api_write_needs_the_token(agent, scenario_zh):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    posts = [r for r in routes() if r.is_api and "POST" in _methods(r)]
    assert posts
    for route in posts:
        url = sample_url(route)
        response = client.post(url, {"scenario": scenario_zh.pk}, content_type="application/json")
        if route.name == "api:auth-token":  # the login endpoint authenticates nobody by session
            continue
        assert response.status_code == 403, (route.name, response.status_code)
        assert "CSRF" in response.json()["detail"]


def test_post_with_the_token_is_accepted(agent, scenario_zh):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    page = client.get("/cases/scenarios/")
    token = (
        page.cookies["csrftoken"].value
        if "csrftoken" in page.cookies
        else client.cookies["csrftoken"].value
    )
    response = client.post(f"/practice/start/{scenario_zh.code}/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    # htmx sends it in a header instead
    response = client.post(
        f"/practice/start/{scenario_zh.code}/", HTTP_X_CSRFTOKEN=token, HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 302)


def test_token_authenticated_api_needs_no_csrf_token(api_client, agent, scenario_zh):
    from rest_framework.authtoken.models import Token

    client = Client(enforce_csrf_checks=True)
    token = Token.objects.create(user=agent).key
    response = client.post(
        "/api/v1/sessions/",
        {"scenario": scenario_zh.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201


def _methods(route) -> set[str]:
    view = route.pattern.callback
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if cls is None:
        return set()
    return {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)}
