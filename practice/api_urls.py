"""API routes of the practice app, mounted under /api/v1/."""

from django.urls import path

from practice import apis

urlpatterns = [
    path("sessions/", apis.SessionCreateApi.as_view(), name="session-create"),
    path("sessions/<int:pk>/", apis.SessionDetailApi.as_view(), name="session-detail"),
    path("sessions/<int:pk>/turns/", apis.TurnCreateApi.as_view(), name="session-turns"),
    path("sessions/<int:pk>/finish/", apis.SessionFinishApi.as_view(), name="session-finish"),
    path(
        "sessions/<int:pk>/scorecard/", apis.SessionScorecardApi.as_view(), name="session-scorecard"
    ),
]

from practice import apis_calls  # noqa: E402

urlpatterns += [
    path("calls/", apis_calls.CallCreateApi.as_view(), name="call-create"),
    path("calls/<int:pk>/", apis_calls.CallDetailApi.as_view(), name="call-detail"),
    path("calls/<int:pk>/scorecard/", apis_calls.CallScorecardApi.as_view(), name="call-scorecard"),
]
