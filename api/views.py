"""The REST API, version 1. Each endpoint finds its objects through the access helper the
pages use (404 for strangers, 403 for read-only), then serializes; writes call the
services the pages call."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import PairFilter, UpdatedSinceFilter
from api.serializers import (
    ActionSerializer,
    CheckInSerializer,
    DoneSerializer,
    ErrorSerializer,
    PairSerializer,
    ParticipantSerializer,
    ProgramSerializer,
    SessionSerializer,
)
from checkins import access as checkin_access
from mentorship import access as program_access
from pairs import access as pair_access
from sessions import access as session_access
from sessions import actions as action_service


def _errors(*codes):
    return {code: OpenApiResponse(ErrorSerializer) for code in (401, 429, *codes)}


class ApiMixin:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Personal data: no shared cache or history may keep it.
        response.setdefault("Cache-Control", "private, no-store")
        return response

    def get_serializer_context(self):
        user = self.request.user
        return {
            **super().get_serializer_context(),
            "access_for": lambda pair: session_access.access_for(user, pair),
        }


LIST_ERRORS = _errors(400, 404)  # 400: a bad filter; 404: a page past the end


@extend_schema_view(get=extend_schema(responses={200: ProgramSerializer(many=True), **LIST_ERRORS}))
class ProgramList(ApiMixin, generics.ListAPIView):
    """Programs you run or take part in."""

    serializer_class = ProgramSerializer
    filter_backends = [UpdatedSinceFilter]

    def get_queryset(self):
        return program_access.programs_visible_to(self.request.user).order_by("pk")


@extend_schema_view(
    get=extend_schema(responses={200: ParticipantSerializer(many=True), **_errors(400, 403, 404)})
)
class ParticipantList(ApiMixin, generics.ListAPIView):
    """A program's participants: its admins only (participants 403, others 404)."""

    serializer_class = ParticipantSerializer
    filter_backends = [UpdatedSinceFilter]

    def get_queryset(self):
        program = program_access.get_program_for_admin(self.request.user, self.kwargs["slug"])
        return program.participants.select_related("user").order_by("pk")


@extend_schema_view(get=extend_schema(responses={200: PairSerializer(many=True), **LIST_ERRORS}))
class PairList(ApiMixin, generics.ListAPIView):
    """Pairs you are in, and the pairs of programs you run."""

    serializer_class = PairSerializer
    filter_backends = [UpdatedSinceFilter]

    def get_queryset(self):
        return (
            pair_access.pairs_visible_to(self.request.user).select_related("program").order_by("pk")
        )


@extend_schema_view(get=extend_schema(responses={200: PairSerializer, **_errors(404)}))
class PairDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = PairSerializer

    def get_object(self):
        return pair_access.get_pair_for_user(self.request.user, self.kwargs["pk"])


@extend_schema_view(get=extend_schema(responses={200: SessionSerializer(many=True), **LIST_ERRORS}))
class SessionList(ApiMixin, generics.ListAPIView):
    """Sessions of the pairs you may see: metadata for admins, content for the pair."""

    serializer_class = SessionSerializer
    filter_backends = [UpdatedSinceFilter, PairFilter]

    def get_queryset(self):
        return (
            session_access.sessions_visible_to(self.request.user)
            .select_related("pair__program", "pair__mentor", "pair__mentee")
            .order_by("pk")
        )


@extend_schema_view(get=extend_schema(responses={200: SessionSerializer, **_errors(404)}))
class SessionDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = SessionSerializer

    def get_object(self):
        session, _access = session_access.get_session_for_user(self.request.user, self.kwargs["pk"])
        return session


@extend_schema_view(get=extend_schema(responses={200: ActionSerializer(many=True), **LIST_ERRORS}))
class ActionList(ApiMixin, generics.ListAPIView):
    """Next actions of the pairs you may see: the text only for the pair's two people."""

    serializer_class = ActionSerializer
    filter_backends = [UpdatedSinceFilter, PairFilter]

    def get_queryset(self):
        return (
            session_access.actions_visible_to(self.request.user)
            .select_related("pair__program", "pair__mentor", "pair__mentee")
            .order_by("pk")
        )


@extend_schema_view(get=extend_schema(responses={200: ActionSerializer, **_errors(404)}))
class ActionDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = ActionSerializer

    def get_object(self):
        action, _access = session_access.get_action_for_user(self.request.user, self.kwargs["pk"])
        return action


class ActionDone(ApiMixin, APIView):
    @extend_schema(
        request=DoneSerializer,
        responses={200: ActionSerializer, **_errors(400, 403, 404, 409)},
        description=(
            "Mark a next action done (the pair's two people, read-write token). "
            "Program admins get 403, as on the pages; a read-only token 403."
        ),
    )
    def post(self, request, pk):
        action, _access = session_access.get_action_for_user(request.user, pk, write=True)
        body = DoneSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            action = action_service.mark_done(
                action, request.user, expected_version=body.validated_data.get("version")
            )
        except action_service.ActionError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        context = {"request": request, "access_for": lambda pair: _access}
        return Response(ActionSerializer(action, context=context).data)


@extend_schema_view(get=extend_schema(responses={200: CheckInSerializer(many=True), **LIST_ERRORS}))
class CheckInList(ApiMixin, generics.ListAPIView):
    """Your own check-ins (nobody else's: admins see only the health page's totals)."""

    serializer_class = CheckInSerializer
    filter_backends = [UpdatedSinceFilter, PairFilter]

    def get_queryset(self):
        return checkin_access.checkins_visible_to(self.request.user).order_by("pk")


@extend_schema_view(get=extend_schema(responses={200: CheckInSerializer, **_errors(404)}))
class CheckInDetail(ApiMixin, generics.RetrieveAPIView):
    serializer_class = CheckInSerializer

    def get_object(self):
        return checkin_access.get_checkin_for_user(self.request.user, self.kwargs["pk"])
