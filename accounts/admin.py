from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AuditEvent, Organisation, Team, User
from accounts.services import user_role_change
from coaching.services import team_assignments_extend


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

    def save_model(self, request, obj, form, change):
        """Role changes made here go through the audited service like any other; an agent who
        joins a team gets the team's current assignments."""
        new_role = obj.role
        if change and "role" in form.changed_data:
            obj.role = form.initial.get("role", obj.role)
            super().save_model(request, obj, form, change)
            user_role_change(actor=request.user, user=obj, role=new_role)
            obj.role = new_role
        else:
            super().save_model(request, obj, form, change)
        if not change or {"team", "role", "is_active"} & set(form.changed_data):
            team_assignments_extend(agent=obj)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "organisation", "actor", "action", "target_type", "target_id"]
    list_filter = ["organisation", "action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
