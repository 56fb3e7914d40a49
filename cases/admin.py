"""Admin of the case library and the scenario catalogue."""

from django.contrib import admin

from cases.models import Case, CaseAnnotation, CaseTurn, Rubric, Scenario


class TurnInline(admin.TabularInline):
    model = CaseTurn
    fields = ["index", "speaker", "text"]
    extra = 0


class AnnotationInline(admin.TabularInline):
    model = CaseAnnotation
    fields = ["turn", "kind", "comment", "skill", "rule"]
    raw_id_fields = ["turn", "rule"]
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "language", "product", "outcome", "organisation"]
    list_filter = ["language", "outcome", "organisation"]
    search_fields = ["slug", "title", "summary"]
    list_select_related = ["product", "organisation"]
    filter_horizontal = ["skills"]
    inlines = [TurnInline, AnnotationInline]


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "title", "organisation", "created_at"]
    list_filter = ["organisation"]

    # Versions are immutable: scorecards point at the exact rubric they were scored against.
    def get_readonly_fields(self, request, obj=None):
        return ["organisation", "code", "version", "criteria"] if obj else []


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "language",
        "difficulty",
        "product",
        "rubric",
        "is_active",
        "organisation",
    ]
    list_filter = ["language", "difficulty", "is_active", "organisation"]
    search_fields = ["code", "title"]
    list_select_related = ["product", "rubric", "organisation"]
    raw_id_fields = ["source_case", "rubric"]
