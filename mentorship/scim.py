"""SCIM 2.0 Users for identity providers (django-scim2), behind our provisioning tokens.

django-scim2 speaks the protocol; this module maps a SCIM User onto ours (userName and the
primary email are the email address, displayName the display name, active the account)
and scopes every request to its token: a program's token sees, makes and changes only that
program's participants, and a new user joins the program as invited. DELETE and
"active": false both deactivate (mentorship/provisioning.py): data is never deleted here.
"""

import logging
from functools import wraps

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import JsonResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from django_scim import constants, exceptions
from django_scim import views as scim_views
from django_scim.adapters import SCIMUser

from mentorship import provisioning, scim_tokens
from mentorship.invites import ensure_participant
from mentorship.models import Participant, User
from mentorship.models.users import normalize_email
from mentorship.scim_filters import ATTRS

log = logging.getLogger(__name__)

MAX_NAME = 150


BOOL_WORDS = {"true": True, "false": False}


def _bool(value):
    # Microsoft Entra ID sends "False" as a string in PATCH operations; anything else that
    # is not a boolean is a bad request, not a guess.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in BOOL_WORDS:
        return BOOL_WORDS[value.strip().lower()]
    raise exceptions.BadRequestError('"active" must be true or false', scim_type="invalidValue")


def _email(value):
    email = normalize_email(value if isinstance(value, str) else "")
    try:
        validate_email(email)
    except ValidationError:
        raise exceptions.BadRequestError(
            "userName must be an email address", scim_type="invalidValue"
        )
    if len(email) > 254:
        raise exceptions.BadRequestError("userName is too long", scim_type="invalidValue")
    return email


def _primary_email(emails):
    if isinstance(emails, dict):
        return emails.get("value")
    if isinstance(emails, list) and emails:
        ranked = sorted(
            (e for e in emails if isinstance(e, dict)), key=lambda e: not e.get("primary")
        )
        return ranked[0].get("value") if ranked else None
    return None


class ScimUser(SCIMUser):
    id_field = "pk"
    ATTR_MAP = ATTRS

    def __init__(self, obj, request=None):
        super().__init__(obj, request)
        self._active = None
        self._name_parts = {}

    @property
    def token(self):
        return self.request.scim_token

    def to_dict(self):
        user = self.obj
        return {
            "schemas": [constants.SchemaURI.USER],
            "id": self.id,
            "externalId": user.scim_external_id or None,
            "userName": user.email,
            "name": {"formatted": user.display_name},
            "displayName": user.display_name or user.name,
            "emails": [{"value": user.email, "primary": True, "type": "work"}],
            "active": user.is_active,
            "groups": [],
            "meta": {
                "resourceType": self.resource_type,
                "created": user.date_joined.isoformat(),
                "lastModified": user.date_joined.isoformat(),
                "location": self.location,
            },
        }

    def from_dict(self, d):
        email = d.get("userName") or _primary_email(d.get("emails"))
        if not email:
            raise exceptions.BadRequestError("userName is required", scim_type="invalidValue")
        self.obj.email = _email(email)
        name = d.get("name") if isinstance(d.get("name"), dict) else {}
        display = (
            d.get("displayName")
            or name.get("formatted")
            or " ".join(str(p) for p in (name.get("givenName"), name.get("familyName")) if p)
        )
        self.obj.display_name = str(display or "").strip()[:MAX_NAME]
        self.obj.scim_external_id = str(d.get("externalId") or "")[:254]
        if "active" in d:
            self._active = _bool(d["active"])

    def handle_replace(self, path, value, operation):
        items = value.items() if path is None and isinstance(value, dict) else [(path, value)]
        for item_path, item_value in items:
            if isinstance(item_path, str):
                item_path = self.split_path(item_path)
            attr = item_path.first_path if item_path is not None else None
            if attr == ("active", None, None):
                self._active = _bool(item_value)
            elif attr in {("userName", None, None), ("emails", "value", None)}:
                self.obj.email = _email(item_value)
            elif attr == ("emails", None, None):
                self.obj.email = _email(_primary_email(item_value))
            elif attr in {("displayName", None, None), ("name", "formatted", None)}:
                self.obj.display_name = str(item_value or "").strip()[:MAX_NAME]
            elif attr in {("name", "givenName", None), ("name", "familyName", None)}:
                self._name_parts[attr[1]] = str(item_value or "").strip()
                if not self.obj.display_name or len(self._name_parts) == 2:
                    self.obj.display_name = " ".join(
                        self._name_parts.get(k, "") for k in ("givenName", "familyName")
                    ).strip()[:MAX_NAME]
            elif attr == ("externalId", None, None):
                self.obj.scim_external_id = str(item_value or "")[:254]
            else:
                log.debug("scim: ignored attribute %s", attr)
        self.save()

    handle_add = handle_replace

    def validate_op_replace(self, path, value, operation):
        pass  # values are checked as they are applied (_bool, _email)

    validate_op_add = validate_op_replace

    @transaction.atomic
    def save(self):
        program = self.token.program
        user = self.obj
        clash = User.objects.filter(email__iexact=user.email)
        if user.pk is None:
            existing = clash.first()
            if existing is not None:
                if program is None or program.participants.filter(user=existing).exists():
                    raise exceptions.IntegrityError("A user with that userName already exists")
                # Someone with an account elsewhere on the site: this program adopts them.
                existing.scim_external_id = user.scim_external_id or existing.scim_external_id
                if not existing.display_name:
                    existing.display_name = user.display_name
                user = self.obj = existing
            else:
                user.set_unusable_password()  # they sign in through SSO (or a reset)
            user.save()
            if program is not None:
                ensure_participant(program, user.email, display_name=user.display_name)
            log.info(
                "scim user provisioned: user=%s program=%s", user.pk, program.pk if program else "-"
            )
        else:
            if clash.exclude(pk=user.pk).exists():
                raise exceptions.IntegrityError("A user with that userName already exists")
            user.save()
        if self._active is False:
            provisioning.deactivate(user, program)
        elif self._active is True:
            provisioning.reactivate(user)
            if (
                program is not None
                and not program.participants.filter(user=user)
                .exclude(status=Participant.Status.WITHDRAWN)
                .exists()
            ):
                ensure_participant(program, user.email)
        user.refresh_from_db()

    def delete(self):
        provisioning.deactivate(self.obj, self.token.program)


def token_required(view):
    """Every SCIM request needs a live provisioning token; a browser session is not enough."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token, reason = scim_tokens.authenticate(request.headers.get("Authorization"))
        if token is None:
            log.warning("scim refused: %s token, %s %s", reason, request.method, request.path)
            response = JsonResponse(
                {
                    "schemas": [constants.SchemaURI.ERROR],
                    "status": "401",
                    "detail": "A valid provisioning token is required"
                    + (" (this one has been revoked)" if reason == "revoked" else ""),
                },
                status=401,
                content_type=constants.SCIM_CONTENT_TYPE,
            )
            response["WWW-Authenticate"] = 'Bearer realm="scim"'
            return response
        request.scim_token = token
        request.user = token.created_by
        return view(request, *args, **kwargs)

    return wrapped


# django-scim2's views with our token check and numeric ids (so a bad id is a 404, not a
# database error). The names match django-scim2's own, which its code reverses.
app_name = "scim"
urlpatterns = [
    re_path(r"^$", token_required(scim_views.SCIMView.as_view(implemented=False)), name="root"),
    re_path(
        r"^Users/\.search$",
        token_required(scim_views.UserSearchView.as_view()),
        name="users-search",
    ),
    re_path(
        r"^Users(?:/(?P<uuid>[0-9]{1,18}))?$",
        token_required(scim_views.UsersView.as_view()),
        name="users",
    ),
    # No groups here: programs are not SCIM groups (501, as the standard asks).
    re_path(
        r"^Groups(?:/(?P<uuid>[^/]+))?$",
        token_required(scim_views.SCIMView.as_view(implemented=False)),
        name="groups",
    ),
    re_path(
        r"^ServiceProviderConfig$",
        token_required(scim_views.ServiceProviderConfigView.as_view()),
        name="service-provider-config",
    ),
    re_path(
        r"^ResourceTypes(?:/(?P<uuid>[^/]+))?$",
        token_required(scim_views.ResourceTypesView.as_view()),
        name="resource-types",
    ),
    re_path(
        r"^Schemas(?:/(?P<uuid>[^/]+))?$",
        token_required(scim_views.SchemasView.as_view()),
        name="schemas",
    ),
]
