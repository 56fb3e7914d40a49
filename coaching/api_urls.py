"""API routes of the coaching app, mounted under /api/v1/."""

from django.urls import path

from coaching import apis

urlpatterns = [
    path("agents/<int:pk>/skills/", apis.AgentSkillsApi.as_view(), name="agent-skills"),
    path("agents/<int:pk>/weaknesses/", apis.AgentWeaknessesApi.as_view(), name="agent-weaknesses"),
    path("courses/", apis.CourseListApi.as_view(), name="course-list"),
    path("courses/<int:pk>/", apis.CourseDetailApi.as_view(), name="course-detail"),
    path("assignments/", apis.AssignmentListApi.as_view(), name="assignment-list"),
    path(
        "assignments/<int:pk>/progress/",
        apis.AssignmentProgressApi.as_view(),
        name="assignment-progress",
    ),
]
