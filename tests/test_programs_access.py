"""What each persona gets on every page of the programs app (GET and POST)."""

import pytest
from django.urls import reverse

from mentorship import importing, invites
from mentorship.models import ImportBatch, Skill

pytestmark = pytest.mark.django_db


LOGIN = "login"
ADMIN_PAGE = {
    "anonymous": LOGIN,
    "program_admin": 200,
    "superuser": 200,
    "other_program_admin": 404,
    "mentor": 403,
    "mentee": 403,
    "other_participant": 403,
    "stranger": 404,
}
ADMIN_POST = {**ADMIN_PAGE, "program_admin": 302, "superuser": 302}
OWN_PROFILE = {
    "anonymous": LOGIN,
    "program_admin": 404,
    "superuser": 404,
    "other_program_admin": 404,
    "mentor": 200,
    "mentee": 200,
    "other_participant": 200,
    "stranger": 404,
}


def admin_urls(world):
    program = world.program
    s = program.slug
    skill = Skill.objects.get(program=program, name="SQL")
    return [
        reverse("programs:detail", args=[s]),
        reverse("programs:edit", args=[s]),
        reverse("programs:participants", args=[s]),
        reverse("programs:export", args=[s]),
        reverse("programs:skills", args=[s]),
        reverse("programs:import", args=[s]),
        reverse("programs:import_template", args=[s]),
        reverse("programs:invites", args=[s]),
    ], skill


def check(client, user, url, expected, method="get", data=None):
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    if expected == LOGIN:
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    else:
        assert response.status_code == expected, (url, response.status_code)
    client.logout()
    return response


@pytest.mark.parametrize("persona", list(ADMIN_PAGE))
def test_admin_pages(client, world, persona):
    user = world.personas()[persona]
    urls, _skill = admin_urls(world)
    for url in urls:
        check(client, user, url, ADMIN_PAGE[persona])


@pytest.mark.parametrize("persona", list(ADMIN_POST))
def test_admin_actions(client, world, persona, mailoutbox):
    user = world.personas()[persona]
    s = world.program.slug
    invite, _sent = invites.invite(world.program, "new@example.com", world.admin)
    sql = Skill.objects.get(program=world.program, name="SQL")
    figma = Skill.objects.get(program=world.program, name="Figma")
    batch = importing.store(
        world.program, world.admin, importing.check(world.program, b"email\nz@example.com\n")
    )
    posts = [
        (reverse("programs:skill_rename", args=[s, sql.pk]), {"name": "SQL"}),
        (reverse("programs:skill_merge", args=[s]), {"source": "x", "target": "y"}),
        (reverse("programs:invite_resend", args=[s, invite.pk]), {}),
        (reverse("programs:invite_imported", args=[s]), {}),
        (reverse("programs:invites", args=[s]), {"emails": "x@example.com", "role": "mentee"}),
        (reverse("programs:edit", args=[s]), {"name": ""}),
    ]
    for url, data in posts:
        expected = ADMIN_POST[persona]
        if url.endswith("/edit/") and expected == 302:
            expected = 200  # an invalid form is shown again
        check(client, user, url, expected, "post", data)
    # Confirming or cancelling someone else's import: only the admin who uploaded it.
    confirm = reverse("programs:import_confirm", args=[s, batch.pk])
    expected = {"program_admin": 200, "superuser": 302}.get(persona, ADMIN_PAGE[persona])
    check(client, user, confirm, expected)
    revoke = reverse("programs:invite_revoke", args=[s, invite.pk])
    check(client, user, revoke, ADMIN_POST[persona], "post")
    # Uploading a file (an empty post is a form error, shown again: 422 for admins).
    upload = reverse("programs:import", args=[s])
    expected = {"program_admin": 422, "superuser": 422}.get(persona, ADMIN_PAGE[persona])
    check(client, user, upload, expected, "post")
    cancel = reverse("programs:import_cancel", args=[s, batch.pk])
    check(client, user, cancel, ADMIN_POST[persona], "post")
    assert ImportBatch.objects.filter(pk=batch.pk).exists() == (persona != "program_admin")
    assert Skill.objects.filter(pk=figma.pk).exists()  # the bogus merge did nothing


@pytest.mark.parametrize("persona", list(ADMIN_PAGE))
def test_post_only_actions_refuse_get(client, world, persona):
    user = world.personas()[persona]
    url = reverse("programs:skill_merge", args=[world.program.slug])
    expected = {"anonymous": LOGIN}.get(persona, 405)
    check(client, user, url, expected)


@pytest.mark.parametrize("persona", list(OWN_PROFILE))
def test_own_profile_pages(client, world, persona):
    user = world.personas()[persona]
    s = world.program.slug
    for name in ("programs:onboarding", "programs:profile_edit"):
        check(client, user, reverse(name, args=[s]), OWN_PROFILE[persona])
    expected = OWN_PROFILE[persona]
    if expected == 200:
        expected = 302  # not onboarded yet: sent to the guided profile first
    response = check(client, user, reverse("programs:profile", args=[s]), expected)
    if expected == 302 and persona != "anonymous":
        assert response["Location"] == reverse("programs:onboarding", args=[s])


PERSON = {
    "anonymous": LOGIN,
    "program_admin": 200,
    "superuser": 200,
    "other_program_admin": 404,
    "mentor": 200,  # the mentee's partner
    "mentee": 200,  # themselves
    "other_participant": 404,  # same program, no pair, no request
    "stranger": 404,
}


@pytest.mark.parametrize("persona", list(PERSON))
def test_someone_elses_profile(client, world, persona):
    world.mentee.department = "Secret Dept"
    world.mentee.manager_email = "boss-of-theo@example.com"
    world.mentee.goals = "Learn SQL <b>properly</b>"
    world.mentee.save()
    user = world.personas()[persona]
    url = reverse("programs:person", args=[world.program.slug, world.mentee.pk])
    response = check(client, user, url, PERSON[persona])
    if response.status_code == 200:
        html = response.content.decode()
        assert "Learn SQL &lt;b&gt;properly&lt;/b&gt;" in html
        private = "Secret Dept" in html or "boss-of-theo" in html
        assert private == (persona != "mentor"), persona


def test_partner_sees_no_private_fields_once_the_pair_is_declined(client, world):
    world.pair.status = "declined"
    world.pair.save()
    client.force_login(world.mentor.user)
    url = reverse("programs:person", args=[world.program.slug, world.mentee.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", list(ADMIN_PAGE))
def test_programs_list_and_create(client, world, persona):
    user = world.personas()[persona]
    check(client, user, reverse("programs:list"), {"anonymous": LOGIN}.get(persona, 200))
    create = {
        "anonymous": LOGIN,
        "program_admin": 200,
        "other_program_admin": 200,
        "superuser": 200,
    }.get(persona, 403)
    check(client, user, reverse("programs:create"), create)


def test_unknown_program_is_404_even_for_superuser(client, world):
    client.force_login(world.superuser)
    assert client.get(reverse("programs:detail", args=["nope"])).status_code == 404
    client.force_login(world.mentor.user)
    assert client.get(reverse("programs:profile", args=["nope"])).status_code == 404


@pytest.mark.parametrize("persona", list(ADMIN_PAGE))
def test_invite_link_works_for_whoever_holds_it(client, world, persona, mailoutbox):
    """The signature is the check: the accept page answers anyone (signed-in users are told
    when the invite is for someone else)."""
    invite, _ = invites.invite(world.program, "fresh@example.com", world.admin)
    url = reverse("programs:accept_invite", args=[invites.token_for(invite)])
    user = world.personas()[persona]
    expected = 200 if user is None else 403
    check(client, user, url, expected)
    check(client, user, reverse("programs:accept_invite", args=["garbage"]), 410)
