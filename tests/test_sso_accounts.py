"""Accounts made by single sign-on are real accounts, not unclaimed placeholders, although
they have no password: they can be made program admins, and an invitation joins them rather
than asking them to choose a password. Withdrawal keeps history and closes open requests."""

import datetime

import pytest
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from mentorship import admin_invites, invites, participation
from mentorship.models import AdminInvite, User
from pairs.models import Pair, PairRequest
from tests.factories import make_pair, make_participant, make_program, make_user

pytestmark = pytest.mark.django_db


def sso_user(email):
    user = User(email=email)
    user.set_unusable_password()
    user.save()
    SocialAccount.objects.create(user=user, provider="oidc", uid=email)
    return user


def test_an_sso_account_is_not_a_placeholder_but_an_unclaimed_invite_is():
    assert not invites.is_placeholder(sso_user("sso@acme.test"))
    unclaimed = User(email="new@acme.test")
    unclaimed.set_unusable_password()
    unclaimed.save()
    assert invites.is_placeholder(unclaimed)


def test_an_sso_account_can_be_invited_to_run_a_program():
    admin = make_user()
    program = make_program(admins=[admin])
    person = sso_user("lead@acme.test")
    admin_invites.invite_admin(program, "lead@acme.test", admin)
    assert AdminInvite.objects.filter(program=program, user=person).exists()


def test_withdrawing_keeps_pairs_and_closes_open_requests():
    program = make_program()
    mentor = make_participant(program, role="mentor")
    mentee = make_participant(program)
    asker = make_participant(program)
    pair = make_pair(mentor, mentee)
    request = PairRequest.objects.create(
        program=program,
        requester=asker,
        recipient=mentor,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    assert participation.withdraw(mentor) is True
    assert participation.withdraw(mentor) is False  # once
    mentor.refresh_from_db()
    request.refresh_from_db()
    assert mentor.status == "withdrawn"
    assert request.status == PairRequest.Status.WITHDRAWN
    assert Pair.objects.filter(pk=pair.pk).exists()
