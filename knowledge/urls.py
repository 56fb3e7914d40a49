"""Knowledge pages under /knowledge/."""

from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("", views.knowledge_home, name="home"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<slug:code>/edit/", views.rule_edit, name="rule_edit"),
    path("products/new/", views.product_edit, name="product_create"),
    path("products/<slug:code>/", views.product_detail, name="product"),
    path("products/<slug:code>/edit/", views.product_edit, name="product_edit"),
    path("articles/new/", views.article_edit, name="article_create"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/edit/", views.article_edit, name="article_edit"),
]
