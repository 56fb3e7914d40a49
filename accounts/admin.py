from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AuditEvent, Organisation, Team, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "content_version"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    filter_horizontal = ["managers"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "organisation", "team", "role", "is_active"]
    list_filter = ["organisation", "role", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Peilian", {"fields": ["organisation", "team", "role", "display_name"]}),
    ]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organisation", "actor", "action", "target_type", "target_id"]
    list_filter = ["organisation", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
