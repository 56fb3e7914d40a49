"""Settings resolve to the embedded defaults, and the environment switches them."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "host": settings.DATABASES["default"].get("HOST"),
    "broker": settings.CELERY_BROKER_URL,
    "polling": settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("polling_interval"),
    "debug": settings.DEBUG,
    "llm": settings.LLM_PROVIDER,
    "secret_len": len(settings.SECRET_KEY),
    "https": settings.HTTPS,
    "secure_cookie": settings.SESSION_COOKIE_SECURE,
    "ssl_redirect": getattr(settings, "SECURE_SSL_REDIRECT", False),
}))
"""

KEYS = (
    "DATABASE_URL",
    "DATABASE_NAME",
    "CELERY_BROKER_URL",
    "DEBUG",
    "HTTPS",
    "SECRET_KEY",
    "LLM_BASE_URL",
    "OPENAI_BASE_URL",
    "LLM_PROVIDER",
    "ALLOWED_HOSTS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; never in production
)


def probe(tmp_path, **overrides) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PEILIAN_VAR_DIR": str(tmp_path)})
    env.update(overrides)
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_defaults_are_sqlite_and_filesystem_broker(tmp_path):
    result = probe(tmp_path)
    assert result["engine"] == "django.db.backends.sqlite3"
    assert result["name"].startswith(str(tmp_path))
    assert result["broker"] == "filesystem://"
    assert result["polling"] == 0.05
    assert result["debug"] is True
    assert result["llm"] == "offline"
    # the generated key is kept for the next start
    assert (tmp_path / "secret_key").exists()
    assert probe(tmp_path)["secret_len"] == result["secret_len"] >= 40


def test_environment_switches_to_postgres_and_redis(tmp_path):
    result = probe(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/peilian",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/3",
        LLM_BASE_URL="http://127.0.0.1:9/v1",
    )
    assert result["engine"] == "django.db.backends.postgresql"
    assert result["name"] == "peilian"
    assert result["host"] == "127.0.0.1"
    assert result["broker"] == "redis://127.0.0.1:6379/3"
    assert result["polling"] is None
    assert result["llm"] == "openai"


def test_demo_mode_hides_debug_pages_on_plain_http(tmp_path):
    # `make demo` runs with DEBUG=false HTTPS=false: no debug pages, and cookies that still
    # work on http://127.0.0.1.
    result = probe(tmp_path, DEBUG="false", HTTPS="false")
    assert result["debug"] is False and result["https"] is False
    assert result["secure_cookie"] is False and result["ssl_redirect"] is False
    production = probe(tmp_path, DEBUG="false")
    assert production["https"] is True and production["secure_cookie"] is True
    assert production["ssl_redirect"] is True
    makefile = (ROOT / "Makefile").read_text()
    assert "DEBUG=$${DEBUG:-false} HTTPS=$${HTTPS:-false}" in makefile


def test_production_mode_passes_deploy_checks(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in KEYS}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "PEILIAN_VAR_DIR": str(tmp_path),
            "DEBUG": "false",
            "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-value-0123456789",
            "ALLOWED_HOSTS": "peilian.example.com",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
