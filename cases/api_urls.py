"""API routes of the cases app, mounted under /api/v1/."""

from django.urls import path

from cases import apis

urlpatterns = [
    path("scenarios/", apis.ScenarioListApi.as_view(), name="scenario-list"),
    path("scenarios/<int:pk>/", apis.ScenarioDetailApi.as_view(), name="scenario-detail"),
    path("cases/", apis.CaseListApi.as_view(), name="case-list"),
    path("cases/<slug:slug>/", apis.CaseDetailApi.as_view(), name="case-detail"),
]
