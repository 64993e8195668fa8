"""get_pair_for_user: members read and write, the program's admins read, everyone else 404."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from pairs.access import get_pair_for_user, get_request_for_user

pytestmark = pytest.mark.django_db


EXPECTED = {
    # persona: (read, write)
    "anonymous": (Http404, Http404),
    "mentor": ("ok", "ok"),
    "mentee": ("ok", "ok"),
    "other_participant": (Http404, Http404),
    "program_admin": ("ok", PermissionDenied),
    "other_program_admin": (Http404, Http404),
    "stranger": (Http404, Http404),
    "superuser": ("ok", PermissionDenied),
}


@pytest.mark.parametrize("persona", list(EXPECTED))
def test_get_pair_for_user_per_persona(world, persona):
    user = world.personas()[persona] or AnonymousUser()
    for write, expected in zip((False, True), EXPECTED[persona], strict=True):
        if expected == "ok":
            assert get_pair_for_user(user, world.pair.pk, write=write) == world.pair
        else:
            with pytest.raises(expected):
                get_pair_for_user(user, world.pair.pk, write=write)


def test_missing_pair_is_404(world):
    with pytest.raises(Http404):
        get_pair_for_user(world.mentor.user, 999999)


def test_requests_are_visible_to_their_two_people_only(world):
    from pairs import partner_requests as requests

    request = requests.create_request(world.other, world.mentor)
    assert get_request_for_user(world.other.user, request.pk) == request
    assert get_request_for_user(world.mentor.user, request.pk) == request
    for user in (world.mentee.user, world.admin, world.stranger):
        with pytest.raises(Http404):
            get_request_for_user(user, request.pk)
