"""Coaching pages, mounted at the site root."""

from django.urls import path

from coaching import views

app_name = "coaching"

urlpatterns = [
    path("dashboard/team/", views.manager_dashboard, name="manager"),
    path("dashboard/team/agents/", views.agents, name="agents"),
    path("dashboard/team/agents/<int:pk>/", views.agent_detail, name="agent"),
    path("dashboard/conversations/<int:pk>/", views.conversation_link, name="conversation"),
    path("dashboard/trainer/", views.trainer_desk, name="trainer"),
    path("drills/", views.drill_list, name="drills"),
    path("drills/sync/", views.drills_sync, name="drills_sync"),
    path("drills/<int:pk>/", views.drill_detail, name="drill"),
    path("drills/<int:pk>/studied/", views.drill_studied, name="drill_studied"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<int:pk>/", views.course_detail, name="course"),
    path("courses/<int:pk>/items/", views.course_item_add, name="course_item_add"),
    path(
        "courses/<int:pk>/items/<int:item_id>/move/<str:direction>/",
        views.course_item_move,
        name="course_item_move",
    ),
    path(
        "courses/<int:pk>/items/<int:item_id>/remove/",
        views.course_item_remove,
        name="course_item_remove",
    ),
    path(
        "courses/<int:pk>/items/<int:item_id>/studied/",
        views.course_item_studied,
        name="course_item_studied",
    ),
    path("assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment"),
]
