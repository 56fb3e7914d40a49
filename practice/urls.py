from django.urls import path

from practice import views

app_name = "practice"

urlpatterns = [
    path("start/<slug:code>/", views.session_start, name="start"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:pk>/", views.session_page, name="session"),
    path("sessions/<int:pk>/say/", views.session_say, name="say"),
    path("sessions/<int:pk>/reply/", views.reply_stream, name="reply_stream"),
    path("sessions/<int:pk>/reply/retry/", views.reply_retry, name="reply_retry"),
    path("sessions/<int:pk>/panel/", views.session_panel, name="panel"),
    path("sessions/<int:pk>/finish/", views.session_finish, name="finish"),
    path("sessions/<int:pk>/close/", views.session_close, name="close"),
    path("sessions/<int:pk>/results/", views.session_results, name="results"),
    path("scorecards/<int:pk>/rerun/", views.scorecard_rerun, name="scorecard_rerun"),
]

from practice import views_calls, views_review  # noqa: E402

urlpatterns += [
    path("calls/", views_calls.calls, name="calls"),
    path("calls/upload/", views_calls.call_upload, name="call_upload"),
    path("calls/<int:pk>/", views_calls.call_page, name="call"),
    path("review/", views_review.review_queue, name="review_queue"),
    path("review/agreement/", views_review.agreement, name="agreement"),
    path("review/<int:pk>/", views_review.review_page, name="review"),
    path(
        "review/<int:pk>/criteria/<int:item_id>/",
        views_review.review_criterion,
        name="review_criterion",
    ),
    path(
        "review/<int:pk>/findings/<int:item_id>/",
        views_review.review_finding,
        name="review_finding",
    ),
    path(
        "review/<int:pk>/findings/add/", views_review.review_finding_add, name="review_finding_add"
    ),
    path("review/<int:pk>/complete/", views_review.review_complete, name="review_complete"),
]
