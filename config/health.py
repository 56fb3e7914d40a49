"""GET /healthz: is the database reachable, is the broker reachable (DESIGN §7)."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ok"; the kind of failure is shown
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_broker() -> str:
    from config.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=0, timeout=2)
            if conn.transport.driver_type == "filesystem":
                folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_out", "")
                if not Path(folder).is_dir():
                    return "error: broker folder missing"
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    parts = {"database": check_database(), "broker": check_broker()}
    ok = all(value == "ok" for value in parts.values())
    return JsonResponse({"status": "ok" if ok else "error", **parts}, status=200 if ok else 503)
