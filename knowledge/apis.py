"""Knowledge API: search, the compliance rule catalogue and products (v1 contract, DESIGN §7)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsMember
from config.errors import DomainError
from knowledge import selectors
from knowledge.models import ComplianceRule, Product
from knowledge.search.service import search_knowledge


class SearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="passage or article")
    title = serializers.CharField()
    product = serializers.CharField(allow_null=True)
    snippet = serializers.CharField(help_text="HTML: escaped text with <mark> around matched terms")
    score = serializers.FloatField()
    url = serializers.CharField()


class KnowledgeSearchApi(APIView):
    permission_classes = [IsMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="The question or terms."),
            OpenApiParameter("product", str, description="A product code."),
            OpenApiParameter("kind", str, description="passage, article, knowledge or talk_track."),
            OpenApiParameter("limit", int, description="At most 50; default 10."),
        ],
        responses={
            200: inline_serializer(
                "KnowledgeSearchResponse", {"results": SearchResultSerializer(many=True)}
            )
        },
    )
    def get(self, request):
        query = (request.query_params.get("q") or "").strip()
        if not query:
            raise DomainError("The query q is required.", field="q")
        product = request.query_params.get("product") or None
        kind = request.query_params.get("kind") or None
        try:
            limit = max(1, min(int(request.query_params.get("limit", 10)), 50))
        except ValueError:
            raise DomainError("limit must be a whole number.", field="limit") from None
        if product and not selectors.product_list(user=request.user).filter(code=product).exists():
            return Response({"results": []})
        hits = search_knowledge(
            organisation=request.user.organisation,
            query=query,
            product=product,
            kind=kind,
            limit=limit,
        )
        return Response({"results": SearchResultSerializer(hits, many=True).data})


class ComplianceRuleSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    builtin = serializers.BooleanField(source="is_builtin", read_only=True)

    class Meta:
        model = ComplianceRule
        fields = ["code", "title", "severity", "basis", "builtin"]


class ComplianceRuleListApi(ListAPIView):
    serializer_class = ComplianceRuleSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.rule_list(user=self.request.user)


class ProductSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "code",
            "type",
            "name",
            "name_zh",
            "name_en",
            "waiting_period_days",
            "cooling_off_days",
        ]


class ProductClauseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ref = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    text = serializers.CharField()


class ProductDetailSerializer(ProductSerializer):
    clauses = ProductClauseSerializer(many=True, read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = [
            *ProductSerializer.Meta.fields,
            "summary_zh",
            "summary_en",
            "coverage_zh",
            "coverage_en",
            "exclusions_zh",
            "exclusions_en",
            "selling_points_zh",
            "selling_points_en",
            "target_customers_zh",
            "target_customers_en",
            "premium_examples",
            "clauses",
        ]


class ProductListApi(ListAPIView):
    serializer_class = ProductSerializer
    permission_classes = [IsMember]

    def get_queryset(self):
        return selectors.product_list(user=self.request.user)


class ProductDetailApi(RetrieveAPIView):
    serializer_class = ProductDetailSerializer
    permission_classes = [IsMember]
    lookup_field = "code"

    def get_object(self):
        return selectors.product_get(user=self.request.user, code=self.kwargs["code"])
