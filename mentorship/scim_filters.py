"""SCIM filters (`userName eq "…"`) on our users, scoped to the request's token.

Apart from mentorship/scim.py: django-scim2's adapters module loads this class while it is
itself being imported."""

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


def extra_filter_kwargs_getter(model):
    def kwargs(request, *args, **kw):
        token = getattr(request, "scim_token", None)
        if token is not None and token.program_id is not None:
            return {"participations__program_id": token.program_id}
        return {}

    return kwargs
