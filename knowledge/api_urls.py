"""API routes of the knowledge app, mounted under /api/v1/."""

from django.urls import path

from knowledge import apis

urlpatterns = [
    path("knowledge/search/", apis.KnowledgeSearchApi.as_view(), name="knowledge-search"),
    path("compliance-rules/", apis.ComplianceRuleListApi.as_view(), name="compliance-rule-list"),
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("products/<slug:code>/", apis.ProductDetailApi.as_view(), name="product-detail"),
]
