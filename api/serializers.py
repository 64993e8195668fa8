"""What the API shows. Content (session notes and topics, action text) only where
sessions.access.PairAccess.can_read_content says so: the pages' rule."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from checkins.models import CheckIn
from mentorship.models import Participant, Program
from pairs.models import Pair
from sessions.models import NextAction, Session


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False, help_text="For a 400: what is wrong with each field or parameter."
    )


class ProgramSerializer(serializers.ModelSerializer):
    class Meta:
        model = Program
        fields = ["id", "slug", "name", "kind", "start_date", "end_date", "cadence_days"]
        fields += ["created_at", "updated_at"]


class ParticipantSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "user_id", "display_name", "email", "role", "status", "capacity"]
        fields += ["onboarded_at", "created_at", "updated_at"]


class PairSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    mentor = serializers.IntegerField(source="mentor_id", read_only=True)
    mentee = serializers.IntegerField(source="mentee_id", read_only=True)

    class Meta:
        model = Pair
        fields = ["id", "program", "mentor", "mentee", "status", "source", "started_on"]
        fields += ["ended_on", "created_at", "updated_at"]


def _access(serializer, pair):
    return serializer.context["access_for"](pair)


class SessionContentSerializer(serializers.Serializer):
    topics = serializers.CharField()
    shared_notes = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    content = serializers.SerializerMethodField(
        help_text="Topics and shared notes: only for the pair's two people (null for admins)."
    )

    class Meta:
        model = Session
        fields = ["id", "pair", "status", "occurred_at", "duration_minutes", "format"]
        fields += ["created_at", "updated_at", "content"]

    @extend_schema_field(SessionContentSerializer(allow_null=True))
    def get_content(self, session):
        if not _access(self, session.pair).can_read_content:
            return None
        return {"topics": session.topics, "shared_notes": session.shared_notes}


class ActionSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField(
        help_text="What to do: only for the pair's two people (null for admins)."
    )

    class Meta:
        model = NextAction
        fields = ["id", "pair", "owner", "due_on", "status", "done_at", "version", "text"]
        fields += ["created_at", "updated_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_text(self, action):
        return action.text if _access(self, action.pair).can_read_content else None


class DoneSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The action's version you saw; a newer one answers 409 instead of overwriting.",
    )


class CheckInSerializer(serializers.ModelSerializer):
    """A check-in: its author's alone (the API lists only your own, as the pages do)."""

    class Meta:
        model = CheckIn
        fields = ["id", "pair", "round", "kind", "due_at", "answered_at", "score", "learned"]
        fields += ["taught", "change", "good_fit", "fit_reason", "wants_help", "shared"]
        fields += ["created_at", "updated_at"]
