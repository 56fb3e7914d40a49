"""API: token login and the agents the caller may see."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import ListAPIView
from rest_framework.throttling import ScopedRateThrottle

from accounts import selectors
from accounts.models import User
from accounts.permissions import IsMember


class TokenObtainApi(ObtainAuthToken):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class AgentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    team = serializers.CharField(source="team.name", default=None, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "team"]


class AgentListApi(ListAPIView):
    serializer_class = AgentSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.visible_agents(self.request.user).order_by("username")
