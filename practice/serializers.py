"""API shapes of practice sessions, turns, calls and scorecards (DESIGN §7)."""

from rest_framework import serializers

from practice.models import Scorecard, Turn


class TurnSerializer(serializers.ModelSerializer):
    class Meta:
        model = Turn
        fields = ["index", "speaker", "text", "created_at"]


class SessionCreateSerializer(serializers.Serializer):
    scenario = serializers.IntegerField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    scenario = serializers.IntegerField(source="scenario_id")
    title = serializers.CharField()
    language = serializers.CharField()
    outcome = serializers.CharField()
    turns = TurnSerializer(many=True, source="turn_list")


class TurnCreateSerializer(serializers.Serializer):
    # Blank and oversize messages get the service's own clear message.
    text = serializers.CharField(
        allow_blank=True, trim_whitespace=False, required=False, default=""
    )


class AlertSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule_code")
    severity = serializers.CharField()
    message = serializers.CharField()


class HintSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    snippet = serializers.CharField()
    url = serializers.CharField()
    product = serializers.CharField(allow_null=True, required=False)


class TurnResultSerializer(serializers.Serializer):
    agent_turn = TurnSerializer()
    customer_turn = TurnSerializer()
    alerts = AlertSerializer(many=True)
    hints = HintSerializer(many=True)


class StatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    status = serializers.CharField()


class ScorecardEvidenceSerializer(serializers.Serializer):
    turn = serializers.IntegerField()
    quote = serializers.CharField()


class ScorecardCriterionSerializer(serializers.Serializer):
    code = serializers.CharField()
    skill = serializers.CharField()
    title = serializers.CharField()
    score = serializers.FloatField()
    max_score = serializers.FloatField()
    rationale = serializers.CharField()
    evidence = ScorecardEvidenceSerializer(many=True)
    # False: nothing in the conversation to score it on (the customer raised no objection); its
    # score is 0 and it is left out of ``overall``.
    applicable = serializers.BooleanField()


class ScorecardFindingSerializer(serializers.Serializer):
    rule = serializers.CharField(source="rule_code")
    severity = serializers.CharField()
    turn = serializers.IntegerField(allow_null=True)
    quote = serializers.CharField()
    confidence = serializers.FloatField()
    source = serializers.CharField()


class ScorecardCheckpointSerializer(serializers.Serializer):
    code = serializers.CharField()
    reached = serializers.BooleanField()
    turn = serializers.IntegerField(allow_null=True)


class ScorecardFlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    turn = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)


class ScorecardSerializer(serializers.ModelSerializer):
    criteria = ScorecardCriterionSerializer(many=True)
    findings = serializers.SerializerMethodField()
    checkpoints = ScorecardCheckpointSerializer(many=True)
    flags = ScorecardFlagSerializer(many=True)
    metrics = serializers.DictField()
    rubric = serializers.CharField(source="rubric.code")
    rubric_version = serializers.IntegerField(source="rubric.version")

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "status",
            "overall",
            "passed",
            "criteria",
            "findings",
            "checkpoints",
            "metrics",
            "flags",
            "provider",
            "model",
            "prompt_version",
            "rubric",
            "rubric_version",
            "latency_ms",
            "error",
            "scored_at",
        ]

    def get_findings(self, scorecard) -> list[dict]:
        active = [f for f in scorecard.findings.all() if f.review_status != "rejected"]
        return ScorecardFindingSerializer(active, many=True).data
