"""The calls API (DESIGN §7): import a real call, read it back, read its scorecard."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import STAFF, IsMember, has_role
from practice.apis import scorecard_response
from practice.calls import call_get, call_import
from practice.serializers import ScorecardSerializer, StatusSerializer, TurnSerializer


class CallCreateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    language = serializers.ChoiceField(
        choices=["zh", "en"], required=False, allow_blank=True, allow_null=True
    )
    agent = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    product = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    # Each turn is checked by the import service, which names the turn in its message.
    turns = serializers.ListField(child=serializers.JSONField(), allow_empty=True)


class CallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    language = serializers.CharField()
    agent = serializers.CharField(source="agent.username", allow_null=True, default=None)
    product = serializers.CharField(source="product.code", allow_null=True, default=None)
    source = serializers.CharField()
    flags = serializers.ListField(child=serializers.DictField())
    started_at = serializers.DateTimeField()
    turns = TurnSerializer(many=True, source="turn_list")


class CallCreateApi(APIView):
    permission_classes = [has_role(*STAFF)]

    @extend_schema(
        request=CallCreateSerializer, responses={202: StatusSerializer}, operation_id="call_create"
    )
    def post(self, request):
        serializer = CallCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        conversation = call_import(
            organisation=request.user.organisation,
            actor=request.user,
            title=data.get("title") or "",
            language=data.get("language") or None,
            turns=data["turns"],
            agent_username=data.get("agent") or None,
            product_code=data.get("product") or None,
            source="api",
        )
        return Response(
            {"id": conversation.pk, "status": "pending"}, status=status.HTTP_202_ACCEPTED
        )


class CallDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses={200: CallSerializer}, operation_id="call_detail")
    def get(self, request, pk):
        conversation = call_get(user=request.user, pk=pk)
        conversation.turn_list = list(conversation.turns.order_by("index"))
        return Response(CallSerializer(conversation).data)


class CallScorecardApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        responses={
            200: ScorecardSerializer,
            202: OpenApiResponse(StatusSerializer, description="Still scoring"),
        },
        operation_id="call_scorecard",
    )
    def get(self, request, pk):
        return scorecard_response(call_get(user=request.user, pk=pk))
