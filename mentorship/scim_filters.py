"""SCIM filters (`userName eq "…"`) on our users, scoped to the request's token.

Apart from mentorship/scim.py: django-scim2's adapters module loads this class while it is
itself being imported."""

from django_scim import exceptions
from django_scim.filters import UserFilterQuery

# SCIM attribute → our column (also what filters such as `userName eq "…"` search).
ATTRS = {
    ("userName", None, None): "email",
    ("emails", "value", None): "email",
    ("emails", None, None): "email",
    ("displayName", None, None): "display_name",
    ("name", "formatted", None): "display_name",
    ("name", "givenName", None): "display_name",
    ("name", "familyName", None): "display_name",
    ("externalId", None, None): "scim_external_id",
    ("active", None, None): "is_active",
}


class ScimUserFilter(UserFilterQuery):
    attr_map = ATTRS

    @classmethod
    def get_extras(cls, q, request=None):
        token = getattr(request, "scim_token", None)
        if token is not None and token.program_id is not None:
            return (
                " AND id IN (SELECT user_id FROM mentorship_participant WHERE program_id = %s)",
                [token.program_id],
            )
        return "", []


def _program_id(request):
    token = getattr(request, "scim_token", None)
    return token.program_id if token is not None else None


def object_post_processor_getter(model):
    """A single user (GET, PUT, PATCH, DELETE by id): outside the token's program, 404."""

    def check(request, obj, *args, **kwargs):
        program_id = _program_id(request)
        if program_id is not None and not obj.participations.filter(program_id=program_id).exists():
            raise exceptions.NotFoundError(obj.pk)
        return obj

    return check


def queryset_post_processor_getter(model):
    """The list of users (GET without a filter): the token's program's participants."""

    def scope(request, qs, *args, **kwargs):
        program_id = _program_id(request)
        return qs if program_id is None else qs.filter(participations__program_id=program_id)

    return scope
