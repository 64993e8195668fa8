"""CSV import: upload, preview with every row's problems, all-or-nothing idempotent import."""

import csv
import io

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from mentorship import importing, invites
from mentorship.models import ImportBatch, Participant, Skill, User
from tests.factories import make_participant, make_user

pytestmark = pytest.mark.django_db


HEADER = ",".join(importing.COLUMNS) + "\n"
GOOD = (
    HEADER + "ana@example.com,Ana,mentor,Europe/Paris,SQL; Go,Figma,Grow,Data,boss@example.com,2,"
    "Mon 09:00-11:00; Thu 14:00-16:00\n"
    + "ben@example.com,Ben,mentee,America/New_York,Figma,sql;Public speaking,,Design,,,\n"
    + "cy@example.com,Cy,both,,Writing,Go,,,,3,\n"
)


def upload(client, world, content, name="people.csv"):
    client.force_login(world.admin)
    if isinstance(content, str):
        content = content.encode()
    f = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("programs:import", args=[world.program.slug]), {"file": f})


def counts():
    return (User.objects.count(), Participant.objects.count(), Skill.objects.count())


def test_template_csv_downloads_with_every_column(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("programs:import_template", args=[world.program.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == importing.COLUMNS
    # The template itself imports cleanly.
    assert importing.check(world.program, text.encode()).ok


def test_preview_writes_nothing_then_confirm_imports(client, world):
    before = counts()
    response = upload(client, world, GOOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 rows are ready to import" in html and "3 new, 0 updated" in html
    assert "Go" in html and "Writing" in html and "Public speaking" in html  # new skills listed
    assert counts() == before
    # Long work shows progress: the confirm form is marked busy, its script is served.
    assert "data-busy" in html and "/static/js/busy.js" in html and finders.find("js/busy.js")
    batch = ImportBatch.objects.get()
    # The preview survives: reopening it needs no re-upload.
    confirm = reverse("programs:import_confirm", args=[world.program.slug, batch.pk])
    assert "3 rows are ready" in client.get(confirm).content.decode()
    response = client.post(confirm)
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:participants", args=[world.program.slug])
    assert not ImportBatch.objects.exists()

    ana = Participant.objects.get(program=world.program, user__email="ana@example.com")
    assert ana.role == "mentor" and ana.status == "invited" and ana.capacity == 2
    assert ana.user.display_name == "Ana" and ana.user.time_zone == "Europe/Paris"
    assert not ana.user.has_usable_password()  # claimed later through an invite
    assert sorted(s.name for s in ana.teaches.all()) == ["Go", "SQL"]
    assert ana.availability == [
        {"day": 0, "start": "09:00", "end": "11:00"},
        {"day": 3, "start": "14:00", "end": "16:00"},
    ]
    assert ana.department == "Data" and ana.manager_email == "boss@example.com"
    ben = Participant.objects.get(program=world.program, user__email="ben@example.com")
    # "sql" matched the existing skill "SQL", case-insensitively; no duplicate.
    assert sorted(s.name for s in ben.learns.all()) == ["Public speaking", "SQL"]
    assert Skill.objects.filter(program=world.program, name__iexact="sql").count() == 1
    assert Skill.objects.filter(program=world.program, name="Writing").exists()
    # A second confirm of the same batch does nothing.
    assert client.post(confirm).status_code == 302
    assert Participant.objects.filter(program=world.program).count() == 3 + 3


def test_reimport_updates_and_never_duplicates(client, world):
    importing.apply(
        importing.store(world.program, world.admin, importing.check(world.program, GOOD.encode()))
    )
    snapshot = counts()
    changed = GOOD.replace("Ana,mentor", "Ana Lima,both").replace("SQL; Go", "Rust")
    preview = importing.check(world.program, changed.encode())
    assert preview.ok and preview.update_count == 3 and preview.new_count == 0
    result = importing.apply(importing.store(world.program, world.admin, preview))
    assert (result.created, result.updated) == (0, 3)
    assert counts()[:2] == snapshot[:2]
    ana = Participant.objects.get(program=world.program, user__email="ana@example.com")
    assert ana.role == "both" and ana.user.display_name == "Ana Lima"
    assert [s.name for s in ana.teaches.all()] == ["Rust"]
    # Same file again: nothing changes.
    again = counts()
    importing.apply(
        importing.store(
            world.program, world.admin, importing.check(world.program, changed.encode())
        )
    )
    assert counts() == again


def test_existing_accounts_keep_their_own_name_and_zone(world):
    make_user("real@example.com", display_name="Real Person", time_zone="Asia/Tokyo")
    data = (HEADER + "REAL@example.com,Imported Name,mentor,Europe/Paris,,,,,,,\n").encode()
    importing.apply(
        importing.store(world.program, world.admin, importing.check(world.program, data))
    )
    user = User.objects.get(email="real@example.com")
    assert (user.display_name, user.time_zone) == ("Real Person", "Asia/Tokyo")
    assert Participant.objects.get(user=user, program=world.program).role == "mentor"


@pytest.mark.parametrize("owner", ["sso", "scim", "none"])
def test_accounts_of_an_identity_provider_keep_their_name_and_zone(world, owner):
    """No password does not make an account a placeholder: one that signs in through SSO,
    or that SCIM provisioned, keeps what its identity provider set."""
    user = make_user("idp@example.com", display_name="From IdP", time_zone="Asia/Tokyo")
    user.set_unusable_password()
    user.scim_external_id = "ext-1" if owner == "scim" else ""
    user.save()
    if owner == "sso":
        SocialAccount.objects.create(user=user, provider="oidc", uid="sub-1")
    data = (HEADER + "idp@example.com,Imported Name,mentor,Europe/Paris,,,,,,,\n").encode()
    importing.apply(
        importing.store(world.program, world.admin, importing.check(world.program, data))
    )
    user.refresh_from_db()
    expected = ("Imported Name", "Europe/Paris") if owner == "none" else ("From IdP", "Asia/Tokyo")
    assert (user.display_name, user.time_zone) == expected
    assert invites.is_placeholder(user) is (owner == "none")


def test_blank_cells_keep_current_values(world):
    p = make_participant(
        world.program, make_user("keep@example.com"), role="mentor", teaches=["SQL"]
    )
    p.goals = "Keep me"
    p.save()
    importing.apply(
        importing.store(
            world.program,
            world.admin,
            importing.check(world.program, b"email,role,goals\nkeep@example.com,,\n"),
        )
    )
    p.refresh_from_db()
    assert (
        p.role == "mentor" and p.goals == "Keep me" and [s.name for s in p.teaches.all()] == ["SQL"]
    )


def test_every_row_problem_is_listed_with_its_row_number_and_nothing_is_written(client, world):
    long_goals = "g" * 2001
    content = (
        HEADER
        + ",No Email,mentor,,,,,,,,\n"  # row 2
        + "dora@example.com,Dora,teacher,,,,,,,,\n"  # row 3
        + "eve@example.com,Eve,mentee,Mars/Olympus,,,,,,,\n"  # row 4
        + "ana@example.com,Ana,mentor,,,,,,,,\n"  # row 5
        + "ANA@example.com,Ana again,mentor,,,,,,,,\n"  # row 6
        + f"fay@example.com,{'F' * 151},mentee,,,,{long_goals},,,,\n"  # row 7
        + "gus@example.com,Gus,mentee,,,,,,not-an-email,99,Fun 10:00-09:00\n"  # row 8
        + "hal@example.com,Hal,mentee,,,,,,,,\n"  # row 9 is fine
    )
    before = counts()
    response = upload(client, world, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert counts() == before and not ImportBatch.objects.exists()
    assert "6 rows have problems" in html and "Nothing was imported" in html
    preview = importing.check(world.program, content.encode())
    problems = {row: " ".join(messages) for row, _email, messages in preview.problems}
    assert sorted(problems) == [2, 3, 4, 6, 7, 8]
    assert "Email is missing" in problems[2]
    assert "Role “teacher”" in problems[3]
    assert "Unknown time zone “Mars/Olympus”" in problems[4]
    assert "Duplicate email: ana@example.com is already on row 5" in problems[6]
    assert "Name is too long (151 characters, at most 150)" in problems[7]
    assert "Goals is too long (2001 characters, at most 2000)" in problems[7]
    assert "Manager's email" in problems[8] and "Capacity “99”" in problems[8]
    assert "Availability" in problems[8]
    for row in (2, 3, 4, 6, 7, 8):
        assert f'data-label="Row">{row}</td>' in html
    assert 'data-label="Row">9</td>' not in html


def test_too_long_skill_names_are_problems(world):
    content = "email,teaches\na@example.com,%s\n" % ("x" * 81)
    preview = importing.check(world.program, content.encode())
    assert not preview.ok and "longer than 80 characters" in preview.problems[0][2][0]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"name;role\nAna;mentor\n", "at least “email”"),
        (b"ana@example.com,Ana,mentor\n", "at least “email”"),  # no header row
        ("email,name\nJosé@example.com,José\n".encode("latin-1"), "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"", "empty"),
        (b"email\n", "no rows"),
        (b'email,name\n"ana@example.com,"Ana\n', "not a valid email"),
        (b"email,email\na@example.com,b@example.com\n", "column twice"),
    ],
)
def test_malformed_files_get_a_clear_message_and_write_nothing(client, world, content, message):
    before = counts()
    response = upload(client, world, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html and "Nothing was imported" in html
    assert counts() == before and not ImportBatch.objects.exists()


def test_an_empty_upload_field_is_a_form_error(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("programs:import", args=[world.program.slug]), {})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()


def test_a_50_mb_upload_is_refused_with_a_clear_message(client, world):
    before = counts()
    huge = b"email\n" + b"a" * (50 * 1024 * 1024)
    response = upload(client, world, huge, "huge.csv")
    assert response.status_code == 413
    html = response.content.decode()
    assert "too large" in html and "the limit is 5 MB" in html
    assert counts() == before


def test_just_over_the_limit_is_refused_by_the_form_too(world):
    data = b"email\n" + b"a" * importing.MAX_UPLOAD_BYTES
    preview = importing.check(world.program, data)
    assert not preview.ok and "too large" in preview.file_errors[0]


def test_semicolon_separated_files_and_unknown_columns(world):
    content = b"Email;Display name;Role;Shoe size\nana@example.com;Ana;Mentor;42\n"
    preview = importing.check(world.program, content)
    assert preview.ok, preview.problems
    assert preview.rows[0]["name"] == "Ana" and preview.rows[0]["role"] == "mentor"
    assert preview.ignored_columns == ["Shoe size"]


def test_import_is_all_or_nothing(world):
    preview = importing.check(world.program, GOOD.encode())
    batch = importing.store(world.program, world.admin, preview)
    batch.rows[2]["capacity"] = -5  # breaks a database constraint on the last row
    batch.save()
    before = counts()
    with pytest.raises(IntegrityError):
        importing.apply(batch)
    assert counts() == before


def test_stale_or_foreign_batches_cannot_be_confirmed(client, world):
    batch = importing.store(
        world.program, world.admin, importing.check(world.program, GOOD.encode())
    )
    client.force_login(world.superuser)  # an admin, but not the one who uploaded
    url = reverse("programs:import_confirm", args=[world.program.slug, batch.pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("/import/")
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    assert not Participant.objects.filter(user__email="ana@example.com").exists()


def test_cancel_discards_the_batch(client, world):
    batch = importing.store(
        world.program, world.admin, importing.check(world.program, GOOD.encode())
    )
    client.force_login(world.admin)
    url = reverse("programs:import_cancel", args=[world.program.slug, batch.pk])
    assert client.post(url).status_code == 302
    assert not ImportBatch.objects.exists()


def test_a_50_mb_upload_with_csrf_checks_on_is_still_a_clear_message(world):
    """As in production: the CSRF middleware reads the multipart body before the view."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    url = reverse("programs:import", args=[world.program.slug])
    page = client.get(url)
    token = page.context["csrf_token"]
    huge = SimpleUploadedFile("huge.csv", b"email\n" + b"a" * (50 * 1024 * 1024))
    response = client.post(url, {"file": huge, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 413
    assert "the limit is 5 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_any_bytes_give_a_preview_never_an_exception(world):
    """Fuzz: random bytes and random CSV-ish text always give a Preview (ok or explained)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    cell = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
    csvish = st.lists(st.lists(cell, max_size=12), max_size=8).map(
        lambda rows: "\n".join(
            [",".join(importing.COLUMNS)] + [",".join(f'"{c}"' for c in r) for r in rows]
        ).encode()
    )

    row = st.tuples(
        st.emails(),
        cell,
        st.sampled_from(["", "mentor", "mentee", "both", "Mentor"]),
        st.sampled_from(["", "UTC", "Europe/Paris"]),
        cell,
        cell,
        cell,
    )
    plausible = st.lists(row, min_size=1, max_size=6).map(
        lambda rows: "\n".join(
            ["email,name,role,time_zone,teaches,learns,goals"]
            + [",".join('"' + c.replace('"', '""') + '"' for c in r) for r in rows]
        ).encode()
    )

    @settings(max_examples=150, deadline=None, database=None)
    @given(st.one_of(st.binary(max_size=400), csvish, plausible))
    def run(data):
        preview = importing.check(world.program, data)
        assert preview.ok or preview.problems or preview.file_errors
        if preview.ok:  # and a clean preview imports (rolled back after each example)
            from django.db import transaction

            class Rollback(Exception):
                pass

            try:
                with transaction.atomic():
                    batch = importing.store(world.program, world.admin, preview)
                    result = importing.apply(batch)
                    assert result.created + result.updated == len(preview.rows)
                    imported.append(1)
                    raise Rollback
            except Rollback:
                pass

    imported = []
    run()
    assert imported, "no generated file was clean enough to import"
