"""Admin of the knowledge base (operators' back office; trainers use the pages)."""

from django.contrib import admin

from knowledge.models import Article, Checkpoint, ClausePassage, ComplianceRule, Product, Skill


class ClauseInline(admin.TabularInline):
    model = ClausePassage
    fields = ["order", "ref", "title", "language", "text"]
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "type", "organisation", "is_active"]
    list_filter = ["type", "organisation", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    inlines = [ClauseInline]

    def save_formset(self, request, form, formset, change):
        # Clause passages belong to the product's organisation.
        for instance in formset.save(commit=False):
            instance.organisation_id = form.instance.organisation_id
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(ClausePassage)
class ClausePassageAdmin(admin.ModelAdmin):
    list_display = ["product", "ref", "title", "language"]
    list_filter = ["language", "organisation"]
    search_fields = ["ref", "title", "text"]
    list_select_related = ["product"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "kind", "language", "organisation", "updated_at"]
    list_filter = ["kind", "language", "organisation"]
    search_fields = ["slug", "title", "body"]
    filter_horizontal = ["products", "skills"]


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "title_zh", "title_en", "severity", "organisation", "is_active"]
    list_filter = ["severity", "organisation", "is_active"]
    search_fields = ["code", "title_zh", "title_en"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]
