"""Error pages: the product's own layout in the user's language, JSON under /api/."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_not_found_page_is_the_products_own_in_chinese(agent, login):
    response = login(agent).get("/knowledge/products/no-such-product/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert "页面不存在" in html and "返回首页" in html
    assert 'class="topbar"' in html  # the navigation stays, so the user can go on
    assert "URLconf" not in html and "Traceback" not in html


def test_forbidden_page_explains_the_role(agent, login):
    client = login(agent)
    response = client.get("/drills/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and "无权访问" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/drills/").content.decode()
    assert "No access" in english and "Your role does not give you access" in english


def test_api_errors_stay_json(agent):
    client = Client()
    client.force_login(agent)
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_server_error_page_renders_without_a_request_context(rf, settings):
    from config.views import server_error

    response = server_error(rf.get("/anywhere/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and "/static/css/peilian.css" in html


def test_server_error_page_survives_a_missing_static_manifest(rf, settings, tmp_path):
    # With DEBUG off the static files are hashed through a manifest; a deployment that forgot
    # collectstatic must still get the error page rather than a second error.
    from django.contrib.staticfiles.storage import staticfiles_storage

    from config.views import server_error

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path
    staticfiles_storage._wrapped = None  # pick up the storage of this test
    try:
        response = server_error(rf.get("/anywhere/"))
    finally:
        staticfiles_storage._wrapped = None
    assert response.status_code == 500 and 'data-testid="error-page"' in response.content.decode()
