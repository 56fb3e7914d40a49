"""Coaching API (v1): an agent's skills and weaknesses, courses, assignments and progress.

An agent sees only itself, a manager the agents of its teams, trainers and admins their whole
organisation; anything else answers 404 (``accounts.selectors.agent_for_user``).
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, Team, User
from accounts.permissions import TRAINERS, IsMember
from accounts.selectors import agent_for_user, scoped_get
from coaching import selectors, services
from coaching.models import Assignment, Course


class SkillSerializer(serializers.Serializer):
    code = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="0-100; null: not enough data")
    trend = serializers.FloatField(allow_null=True, help_text="points, recent vs earlier window")
    n = serializers.IntegerField()


class SkillsSerializer(serializers.Serializer):
    skills = SkillSerializer(many=True)


class EvidenceSerializer(serializers.Serializer):
    conversation = serializers.IntegerField()
    scorecard = serializers.IntegerField()
    turn = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class DrillSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    minutes = serializers.IntegerField()
    scenario = serializers.CharField(allow_null=True, help_text="scenario code to start")
    url = serializers.CharField()
    measured_change = serializers.FloatField(allow_null=True)


class WeaknessSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    skill = serializers.CharField(required=False)
    rule = serializers.CharField(required=False)
    checkpoint = serializers.CharField(required=False)
    since = serializers.DateTimeField()
    evidence = EvidenceSerializer(many=True)
    drills = DrillSerializer(many=True)


class WeaknessesSerializer(serializers.Serializer):
    results = WeaknessSerializer(many=True)


def _drill_json(item: dict) -> dict:
    drill = item["drill"]
    return {
        "id": drill.pk,
        "kind": drill.kind,
        "title": drill.title,
        "language": drill.language,
        "minutes": drill.minutes,
        "scenario": drill.scenario.code if drill.scenario_id else None,
        "url": selectors.drill_action(drill)["url"],
        "measured_change": item["effect"],
    }


class AgentSkillsApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=SkillsSerializer)
    def get(self, request, pk: int):
        agent = agent_for_user(request.user, pk)
        return Response({"skills": selectors.agent_skills(agent=agent)})


class AgentWeaknessesApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=WeaknessesSerializer)
    def get(self, request, pk: int):
        agent = agent_for_user(request.user, pk)
        results = []
        for entry in selectors.agent_weaknesses(agent=agent):
            weakness = entry["weakness"]
            results.append(
                {
                    "id": weakness.pk,
                    "kind": weakness.kind,
                    weakness.kind: weakness.code,
                    "since": weakness.opened_at,
                    "evidence": weakness.evidence or [],
                    "drills": [_drill_json(d) for d in entry["drills"]],
                }
            )
        return Response(WeaknessesSerializer({"results": results}).data)


class CourseItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    target = serializers.SerializerMethodField()
    pass_mark = serializers.IntegerField()

    def get_target(self, item) -> str:
        """Article or case slug, or scenario code."""
        target = item.target
        return getattr(target, "slug", None) or getattr(target, "code", "")


class CourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Course
        fields = ["id", "title", "description", "language", "created_at", "updated_at"]


class CourseDetailSerializer(CourseSerializer):
    items = serializers.SerializerMethodField()

    class Meta(CourseSerializer.Meta):
        fields = [*CourseSerializer.Meta.fields, "items"]

    @extend_schema_field(CourseItemSerializer(many=True))
    def get_items(self, course) -> list[dict]:
        return CourseItemSerializer(selectors.course_items(course), many=True).data


class CourseListApi(ListAPIView):
    permission_classes = [IsMember]
    serializer_class = CourseSerializer

    def get_queryset(self):
        user = self.request.user
        courses = Course.objects.filter(organisation_id=user.organisation_id)
        if user.role == Role.AGENT:
            courses = courses.filter(assignments__progress__agent=user).distinct()
        return courses.order_by("-updated_at", "-id")


class CourseDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=CourseDetailSerializer)
    def get(self, request, pk: int):
        course = selectors.course_get(user=request.user, pk=pk)
        return Response(CourseDetailSerializer(course).data)


class AssignmentSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    course = serializers.IntegerField(source="course_id", allow_null=True)
    drill = serializers.IntegerField(source="drill_id", allow_null=True)
    agent = serializers.IntegerField(source="agent_id", allow_null=True)
    team = serializers.IntegerField(source="team_id", allow_null=True)

    class Meta:
        model = Assignment
        fields = ["id", "title", "course", "drill", "agent", "team", "due_at", "created_at"]


class AssignmentCreateSerializer(serializers.Serializer):
    course = serializers.IntegerField(required=False, allow_null=True)
    drill = serializers.IntegerField(required=False, allow_null=True)
    agent = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.IntegerField(required=False, allow_null=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True)


class AssignmentListApi(ListAPIView):
    """Trainers see and create the organisation's assignments; agents list their own."""

    permission_classes = [IsMember]
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return selectors.assignments_for(user=self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def post(self, request):
        user = request.user
        if user.role not in TRAINERS:
            raise PermissionDenied("Only trainers can assign training.")
        data = AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        course = (
            selectors.course_get(user=user, pk=values["course"]) if values.get("course") else None
        )
        drill = selectors.drill_get(user=user, pk=values["drill"]) if values.get("drill") else None
        team = (
            scoped_get(Team.objects.all(), user, pk=values["team"]) if values.get("team") else None
        )
        agent = (
            scoped_get(User.objects.all(), user, pk=values["agent"])
            if values.get("agent")
            else None
        )
        assignment = services.assignment_create(
            organisation=user.organisation,
            actor=user,
            course=course,
            drill=drill,
            agent=agent,
            team=team,
            due_at=values.get("due_at"),
        )
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class ProgressSerializer(serializers.Serializer):
    agent = serializers.IntegerField(source="agent_id")
    username = serializers.CharField(source="agent.username")
    item = serializers.IntegerField(source="item_id", allow_null=True)
    drill = serializers.IntegerField(source="drill_id", allow_null=True)
    status = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    best_score = serializers.FloatField(allow_null=True)
    overdue = serializers.BooleanField()


class AssignmentProgressResponse(serializers.Serializer):
    assignment = AssignmentSerializer()
    progress = ProgressSerializer(many=True)


class AssignmentProgressApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses=AssignmentProgressResponse)
    def get(self, request, pk: int):
        from django.utils import timezone

        assignment = selectors.assignment_get(user=request.user, pk=pk)
        rows = selectors.assignment_progress(user=request.user, assignment=assignment)
        if request.user.role == Role.AGENT:
            rows = [r for r in rows if r.agent_id == request.user.pk]
        late = bool(assignment.due_at and assignment.due_at < timezone.now())
        for row in rows:
            row.overdue = late and row.status != "done"
        return Response(
            AssignmentProgressResponse({"assignment": assignment, "progress": rows}).data
        )
