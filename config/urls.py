"""URL routes: HTML pages per app, the v1 API, health, OpenAPI."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import apis as account_apis
from accounts import views as account_views
from config.health import healthz

api_v1 = [
    path("auth/token/", account_apis.TokenObtainApi.as_view(), name="auth-token"),
    path("agents/", account_apis.AgentListApi.as_view(), name="agent-list"),
    path("", include("knowledge.api_urls")),
    path("", include("cases.api_urls")),
    path("", include("practice.api_urls")),
    path("", include("coaching.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("knowledge/", include("knowledge.urls")),
    path("cases/", include("cases.urls")),
    path("practice/", include("practice.urls")),
    path("", include("coaching.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("admin/", admin.site.urls),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
