"""Custom user model and the sign-in / sign-out / password pages."""

import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from mentorship.models import User

pytestmark = pytest.mark.django_db


def test_email_is_unique_whatever_its_case(make_user):
    make_user("Ana@Example.com")
    assert User.objects.get().email == "ana@example.com"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ANA@example.COM", "x")


def test_user_has_display_name_and_time_zone(make_user):
    user = make_user("ben@example.com", display_name="Ben", time_zone="Asia/Tokyo")
    user.refresh_from_db()
    assert (user.name, user.time_zone) == ("Ben", "Asia/Tokyo")


def test_sign_in_by_email_in_any_case(client, make_user):
    make_user("ana@example.com", password="s3cret-pass-word")
    response = client.post(
        reverse("login"), {"username": "ANA@Example.com", "password": "s3cret-pass-word"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_gets_a_message_not_a_500(client, make_user):
    make_user("ana@example.com")
    response = client.post(reverse("login"), {"username": "ana@example.com", "password": "no"})
    assert response.status_code == 200
    assert b"Please enter a correct" in response.content


def test_sign_in_gives_a_fresh_session_key(client, make_user):
    make_user("ana@example.com", password="s3cret-pass-word")
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("login"), {"username": "ana@example.com", "password": "s3cret-pass-word"})
    assert client.session.session_key != before


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_is_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_by_email_round_trip(client, make_user, on_commit):
    make_user("ana@example.com", password="old-password-123")
    with on_commit():
        response = client.post(reverse("password_reset"), {"email": "Ana@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.com"]
    assert "new Mentorship password" in message.subject
    assert message.alternatives and "text/html" in message.alternatives[0][1]
    # The link points at SITE_URL, never at the request's Host header.
    link = re.search(r"http://127.0.0.1:8000(/accounts/password/reset/\S+/)", message.body).group(1)
    page = client.get(link, follow=True)
    assert page.status_code == 200 and b"Choose a new password" in page.content
    set_url = page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "brand-new-pw-456", "new_password2": "brand-new-pw-456"}
    )
    assert done.status_code == 302
    assert client.login(username="ana@example.com", password="brand-new-pw-456")


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_requires_sign_in_and_works(client, make_user):
    assert client.get(reverse("password_change")).status_code == 302
    user = make_user("ana@example.com", password="old-password-123")
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert b"Change your password" in page.content
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "old-password-123",
            "new_password1": "another-pw-789",
            "new_password2": "another-pw-789",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-pw-789")


@pytest.mark.parametrize(
    "name", ["login", "password_reset", "password_reset_done", "password_reset_complete"]
)
def test_account_pages_use_the_site_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert b'class="skip-link"' in response.content
    assert b"/static/css/site.css" in response.content
