"""The practice API (DESIGN §7): sessions, turns, finish, scorecards."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.permissions import IsMember
from accounts.selectors import scoped_get
from cases.models import Scenario
from practice import selectors, services
from practice.models import ConversationKind, ScorecardStatus
from practice.serializers import (
    ScorecardSerializer,
    SessionCreateSerializer,
    SessionSerializer,
    StatusSerializer,
    TurnCreateSerializer,
    TurnResultSerializer,
)


def _session_data(conversation) -> dict:
    conversation.turn_list = list(conversation.turns.order_by("index"))
    return SessionSerializer(conversation).data


class SessionCreateApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(request=SessionCreateSerializer, responses={201: SessionSerializer})
    def post(self, request):
        serializer = SessionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        scenario = scoped_get(
            Scenario.objects.select_related("product", "rubric"),
            request.user,
            pk=serializer.validated_data["scenario"],
        )
        conversation = services.session_start(user=request.user, scenario=scenario)
        return Response(_session_data(conversation), status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(responses={200: SessionSerializer})
    def get(self, request, pk):
        conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
        return Response(_session_data(conversation))


class TurnCreateApi(APIView):
    permission_classes = [IsMember]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "turns"

    @extend_schema(request=TurnCreateSerializer, responses={201: TurnResultSerializer})
    def post(self, request, pk):
        conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
        serializer = TurnCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submitted, reply = services.turn_take(
            conversation=conversation, user=request.user, text=serializer.validated_data["text"]
        )
        data = TurnResultSerializer(
            {
                "agent_turn": submitted.agent_turn,
                "customer_turn": reply.customer_turn,
                "alerts": submitted.alerts,
                "hints": reply.hints,
            }
        ).data
        return Response(data, status=status.HTTP_201_CREATED)


class SessionFinishApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(request=None, responses={202: StatusSerializer})
    def post(self, request, pk):
        conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
        with transaction.atomic():
            scorecard = services.session_finish(conversation=conversation, user=request.user)
        return Response(
            {"id": conversation.pk, "status": scorecard.status}, status=status.HTTP_202_ACCEPTED
        )


def scorecard_response(conversation) -> Response:
    scorecard = selectors.scorecard_current(conversation)
    if scorecard is None or scorecard.status == ScorecardStatus.PENDING:
        return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED)
    return Response(ScorecardSerializer(scorecard).data)


class SessionScorecardApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        responses={
            200: ScorecardSerializer,
            202: OpenApiResponse(StatusSerializer, description="Still scoring"),
        }
    )
    def get(self, request, pk):
        conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
        return scorecard_response(conversation)
