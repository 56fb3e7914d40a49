from django.contrib import admin

from coaching.models import (
    Assignment,
    AssignmentProgress,
    Course,
    CourseItem,
    Drill,
    DrillEffect,
    SkillProfile,
    Weakness,
)


class CourseItemInline(admin.TabularInline):
    model = CourseItem
    extra = 0
    raw_id_fields = ("article", "case", "scenario")


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "language", "updated_at")
    list_filter = ("organisation", "language")
    inlines = [CourseItemInline]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("pk", "organisation", "course", "drill", "agent", "team", "due_at")
    list_filter = ("organisation",)
    raw_id_fields = ("course", "drill", "agent", "team", "created_by")


@admin.register(AssignmentProgress)
class AssignmentProgressAdmin(admin.ModelAdmin):
    list_display = ("assignment", "agent", "item", "drill", "status", "best_score")
    list_filter = ("status",)
    raw_id_fields = ("assignment", "agent", "item", "drill")


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "language", "organisation", "minutes")
    list_filter = ("organisation", "kind", "language")
    search_fields = ("title", "key")


@admin.register(DrillEffect)
class DrillEffectAdmin(admin.ModelAdmin):
    list_display = ("drill", "kind", "code", "agents", "mean_change")


@admin.register(Weakness)
class WeaknessAdmin(admin.ModelAdmin):
    list_display = ("agent", "kind", "code", "status", "opened_at", "closed_at")
    list_filter = ("organisation", "status", "kind")
    raw_id_fields = ("agent",)


@admin.register(SkillProfile)
class SkillProfileAdmin(admin.ModelAdmin):
    list_display = ("agent", "skill", "kind", "score", "trend", "n")
    list_filter = ("organisation", "kind", "skill")
    raw_id_fields = ("agent",)
