from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from mentorship.models import ImportBatch, Invite, Participant, Program, Skill, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "time_zone", "is_staff", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "time_zone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "start_date", "end_date"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["admins"]
    search_fields = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "program"]
    list_filter = ["program"]
    search_fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "capacity"]
    list_filter = ["program", "role", "status"]
    search_fields = ["user__email", "user__display_name", "department"]
    raw_id_fields = ["user"]
    filter_horizontal = ["teaches", "learns"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "status", "sent_at", "send_count"]
    list_filter = ["status", "program"]
    search_fields = ["email"]
    raw_id_fields = ["participant", "created_by"]
    readonly_fields = ["nonce", "sent_at", "send_count", "accepted_at"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "program", "row_count", "created_by", "created_at"]
    list_filter = ["program"]
    readonly_fields = ["columns", "rows", "row_count"]
