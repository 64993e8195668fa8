"""Site admin for session logs: dates, counts and states, never what people wrote.

The product promises admins see how often pairs meet, not what they say; Django admin keeps
that promise for everyone, superusers and staff with view permission alike: topics, notes,
sides and action text are left out of every list, form and title here.
"""

from django.contrib import admin

from sessions.models import CalendarFeed, NextAction, Session, SessionSide


class SessionSideInline(admin.TabularInline):
    model = SessionSide
    extra = 0
    fields = ("side", "author", "version", "updated_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("pk", "pair", "status", "occurred_at", "duration_minutes", "format")
    list_filter = ("status", "format")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("pair", "created_by", "updated_by")
    inlines = [SessionSideInline]
    list_select_related = ("pair__mentor__user", "pair__mentee__user")
    exclude = ("topics", "shared_notes")


@admin.register(NextAction)
class NextActionAdmin(admin.ModelAdmin):
    list_display = ("pk", "pair", "owner", "due_on", "status", "next_reminder_at")
    list_filter = ("status", "owner")
    raw_id_fields = ("pair", "created_in", "reviewed_in", "created_by", "done_by")
    list_select_related = ("pair__mentor__user", "pair__mentee__user")
    exclude = ("text", "dropped_reason")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    raw_id_fields = ("user",)
    exclude = ("token",)  # the secret is never shown
