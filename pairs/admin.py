"""Site admin for pairs: who, when, states; what people wrote (an end reason, a request's
message) is left out, as everywhere admins look (see sessions/admin.py)."""

from django.contrib import admin

from pairs.models import Exclusion, MatchRun, Pair, PairRequest, Suggestion


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin):
    list_display = ["__str__", "program", "status", "score", "started_on", "ended_on"]
    list_filter = ["program", "status", "source"]
    raw_id_fields = ["mentor", "mentee", "created_by"]
    exclude = ["end_reason"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["program", "status", "objective", "progress", "created_at"]
    list_filter = ["program", "status"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["run", "mentor", "mentee", "score", "status"]
    raw_id_fields = ["run", "mentor", "mentee", "pair"]


@admin.register(Exclusion)
class ExclusionAdmin(admin.ModelAdmin):
    list_display = ["program", "first", "second", "reason"]
    raw_id_fields = ["first", "second", "created_by"]


@admin.register(PairRequest)
class PairRequestAdmin(admin.ModelAdmin):
    list_display = ["program", "requester", "recipient", "status", "expires_at"]
    list_filter = ["status"]
    raw_id_fields = ["requester", "recipient", "pair"]
    exclude = ["message"]
