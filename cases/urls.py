"""Case library and scenario pages under /cases/."""

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_edit, name="create"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_edit, name="scenario_create"),
    path("scenarios/<slug:code>/", views.scenario_detail, name="scenario"),
    path("scenarios/<slug:code>/edit/", views.scenario_edit, name="scenario_edit"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/edit/", views.case_edit, name="edit"),
    path("<slug:slug>/practise/", views.case_practise, name="practise"),
    path("<slug:slug>/annotations/", views.annotation_add, name="annotation_add"),
    path(
        "<slug:slug>/annotations/<int:annotation_id>/delete/",
        views.annotation_remove,
        name="annotation_remove",
    ),
]
