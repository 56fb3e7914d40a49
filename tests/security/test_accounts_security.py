"""Accounts: brute-force brakes on both logins, password rules, session expiry, and the
production headers and cookie flags (``manage.py check --deploy`` is in tests/test_settings.py)."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import ROOT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_login_page_locks_a_username_after_ten_failures(agent):
    client = Client()
    for _ in range(10):
        response = client.post("/accounts/login/", {"username": "agent_a", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    locked = client.post("/accounts/login/", {"username": "agent_a", "password": "wrong"})
    assert locked.status_code == 429
    # even the right password is refused while the brake is on: guessing gains nothing
    right = client.post("/accounts/login/", {"username": "agent_a", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # the brake keys on the name however it is written
    assert (
        client.post("/accounts/login/", {"username": " AGENT_A ", "password": "x"}).status_code
        == 429
    )


def test_login_page_locks_an_address_spraying_many_usernames(agent):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(10):
        client.post("/accounts/login/", {"username": f"guess{n}", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "agent_a", "password": PASSWORD})
    assert response.status_code == 429
    # another address still logs in
    other = Client(REMOTE_ADDR="198.51.100.7")
    ok = other.post("/accounts/login/", {"username": "agent_a", "password": PASSWORD})
    assert ok.status_code == 302


def test_token_endpoint_is_throttled(api_client, agent):
    statuses = [
        api_client.post(
            "/api/v1/auth/token/", {"username": "agent_a", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "agent_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "password", ["short1", "12345678901", "password123", "agent_a2024", "qwertyuiop"]
)
def test_weak_passwords_are_refused(agent, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=agent)


def test_strong_password_is_accepted(agent):
    validate_password("Lotus-harbour-7-drift", user=agent)


def test_session_expires_after_the_configured_age(agent, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True
    client = Client()
    response = client.post("/accounts/login/", {"username": "agent_a", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]
    assert client.get("/").status_code == 200
    # the server side forgets the session when it expires, whatever the browser keeps
    Session.objects.filter(session_key=cookie.value).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    expired = client.get("/")
    assert expired.status_code == 302 and "/accounts/login/" in expired["Location"]


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
plain = client.get("/healthz")
secure = client.get("/healthz", secure=True)
login = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "headers": dict(secure.headers),
    "login_status": login.status_code,
    "login_headers": dict(login.headers),
    "csrf_cookie": {k: login.cookies["csrftoken"][k] for k in ("secure", "samesite")}
    if "csrftoken" in login.cookies else None,
    "settings": {
        "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
        "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
        "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
        "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
        "DEBUG": settings.DEBUG,
    },
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    var = tmp_path_factory.mktemp("production")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DATABASE_NAME", "CELERY_BROKER_URL", "DEBUG"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PEILIAN_VAR_DIR": str(var),
            "DEBUG": "false",
            "SECRET_KEY": "security-test-" + "s" * 50,
            "ALLOWED_HOSTS": "testserver",
        }
    )
    out = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_redirects_plain_http_to_https(production):
    assert production["settings"]["DEBUG"] is False
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://")


def test_production_security_headers(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    hsts = headers["strict-transport-security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    csp = dict(
        part.strip().split(" ", 1)
        for part in headers["content-security-policy"].split(";")
        if part.strip()
    )
    # scripts only from this site: no inline script, no eval, no CDN
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    for value in csp.values():
        assert "http:" not in value and "https:" not in value and "*" not in value
        assert "unsafe-eval" not in value


def test_production_cookies_are_secure(production):
    flags = production["settings"]
    assert flags["SESSION_COOKIE_SECURE"] and flags["SESSION_COOKIE_HTTPONLY"]
    assert flags["CSRF_COOKIE_SECURE"] and flags["SECURE_SSL_REDIRECT"]
    # the login page renders only with collected static files (a manifest); then its token
    # cookie must be secure too
    if production["csrf_cookie"] is not None:
        assert production["csrf_cookie"]["secure"]
