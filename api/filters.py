"""Query filters shared by the list endpoints, with clear 400s for bad values."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

MAX_ID = 2**63 - 1


def parse_moment(value):
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(
            {"updated_since": "Give an ISO 8601 date and time, e.g. 2026-12-01T09:00:00Z."}
        )
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:  # year 1 with an offset east of UTC: before everything anyway
        return datetime.datetime.min.replace(tzinfo=datetime.UTC)


class UpdatedSinceFilter(BaseFilterBackend):
    """?updated_since=<ISO 8601>: rows changed at or after that moment (for syncing)."""

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get("updated_since")
        if value is None:
            return queryset
        return queryset.filter(updated_at__gte=parse_moment(value))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "updated_since",
                "required": False,
                "in": "query",
                "description": "Only rows changed at or after this moment (ISO 8601).",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class PairFilter(BaseFilterBackend):
    """?pair=<id>: rows of one pair."""

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get("pair")
        if value is None:
            return queryset
        if not value.isdigit() or not 1 <= int(value) <= MAX_ID:
            raise ValidationError({"pair": "Give a pair id (a positive whole number)."})
        return queryset.filter(pair_id=int(value))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "pair",
                "required": False,
                "in": "query",
                "description": "Only rows of this pair.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
            }
        ]
