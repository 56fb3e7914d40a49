"""Cases API: the scenario catalogue with its briefs and the case library (v1 contract).

A scenario's brief is what the agent may know: the public profile, goal, SOP and the open
rubric — never the persona's hidden facts, needs or objection triggers.
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from accounts.permissions import IsMember
from cases import selectors
from cases.models import Case, Scenario


class ScenarioSerializer(serializers.ModelSerializer):
    product = serializers.CharField(source="product.code", read_only=True)

    class Meta:
        model = Scenario
        fields = ["id", "code", "title", "language", "product", "difficulty", "goal"]


class ScenarioSopStageSerializer(serializers.Serializer):
    stage_zh = serializers.CharField()
    stage_en = serializers.CharField()
    checkpoints = serializers.ListField(child=serializers.CharField())


class RubricCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    skill = serializers.CharField()
    title_zh = serializers.CharField()
    title_en = serializers.CharField()
    weight = serializers.IntegerField()
    max_score = serializers.IntegerField()
    checks_zh = serializers.ListField(child=serializers.CharField())
    checks_en = serializers.ListField(child=serializers.CharField())


class ScenarioRubricSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.IntegerField()
    title = serializers.CharField()
    criteria = RubricCriterionSerializer(many=True)


class ScenarioBriefSerializer(serializers.Serializer):
    name = serializers.CharField()
    public_profile = serializers.CharField()
    temperament = serializers.CharField()


class ScenarioDetailSerializer(ScenarioSerializer):
    brief = serializers.SerializerMethodField()
    sop = ScenarioSopStageSerializer(many=True, read_only=True)
    rubric = ScenarioRubricSerializer(read_only=True)

    class Meta(ScenarioSerializer.Meta):
        fields = [*ScenarioSerializer.Meta.fields, "brief", "sop", "rubric"]

    @extend_schema_field(ScenarioBriefSerializer)
    def get_brief(self, scenario: Scenario) -> dict:
        return selectors.scenario_brief(scenario)


_FILTERS = [
    OpenApiParameter("language", str, description="zh or en"),
    OpenApiParameter("difficulty", str, description="easy, medium or hard"),
    OpenApiParameter("product", str, description="A product code."),
    OpenApiParameter("kind", str, description="micro: the short single-skill drills only"),
]


@extend_schema_view(get=extend_schema(parameters=_FILTERS))
class ScenarioListApi(ListAPIView):
    serializer_class = ScenarioSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.scenario_list(
            user=self.request.user,
            language=params.get("language", ""),
            difficulty=params.get("difficulty", ""),
            product=params.get("product", ""),
            micro_drills=params.get("kind") == "micro",
        )


class ScenarioDetailApi(RetrieveAPIView):
    serializer_class = ScenarioDetailSerializer
    permission_classes = [IsMember]

    def get_object(self):
        return selectors.scenario_get_by_id(user=self.request.user, pk=self.kwargs["pk"])


class CaseAnnotationSerializer(serializers.Serializer):
    turn = serializers.IntegerField(source="turn.index")
    kind = serializers.CharField()
    comment = serializers.CharField()
    skill = serializers.CharField(source="skill.code", default=None, allow_null=True)
    rule = serializers.CharField(source="rule.code", default=None, allow_null=True)


class CaseTurnSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    speaker = serializers.CharField()
    text = serializers.CharField()
    annotations = CaseAnnotationSerializer(many=True, read_only=True)


class CaseSerializer(serializers.ModelSerializer):
    product = serializers.CharField(
        source="product.code", default=None, allow_null=True, read_only=True
    )
    skills = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    objection_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Case
        fields = [
            "slug",
            "title",
            "language",
            "product",
            "outcome",
            "skills",
            "objection_types",
            "summary",
        ]


class CaseDetailSerializer(CaseSerializer):
    turns = CaseTurnSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "source", "turns"]


_CASE_FILTERS = [
    OpenApiParameter("product", str, description="A product code."),
    OpenApiParameter("skill", str, description="A skill code."),
    OpenApiParameter("objection", str, description="An objection type."),
    OpenApiParameter("outcome", str, description="won, lost or follow_up"),
    OpenApiParameter("language", str, description="zh or en"),
]


@extend_schema_view(get=extend_schema(parameters=_CASE_FILTERS))
class CaseListApi(ListAPIView):
    serializer_class = CaseSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        params = self.request.query_params
        return selectors.case_list(
            user=self.request.user,
            product=params.get("product", ""),
            skill=params.get("skill", ""),
            objection_type=params.get("objection", ""),
            outcome=params.get("outcome", ""),
            language=params.get("language", ""),
        )


class CaseDetailApi(RetrieveAPIView):
    serializer_class = CaseDetailSerializer
    permission_classes = [IsMember]
    lookup_field = "slug"

    def get_object(self):
        return selectors.case_get(user=self.request.user, slug=self.kwargs["slug"])
