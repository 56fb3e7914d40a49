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
