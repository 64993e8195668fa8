"""Never a 500 on bad input: random and malformed data at every form, nothing saved.

Each row of FORMS is a form that exists; hypothesis posts random field values (missing
fields, repeated fields, very long text, unicode of every kind, NUL, the hostile corpus,
stray extra fields) and raw junk bodies. Every answer must be 2xx/3xx/4xx, never 500; and a
rejected submission (anything but a redirect) must leave `snapshot(world)` unchanged.

Add a row for your form:

    Form("log a session", url=lambda w: reverse("sessions:log", args=[w.pair.pk]),
         persona="participant", fields={"occurred_at": DATE_LIKE, "notes": TEXT},
         snapshot=lambda w: list(Session.objects.values_list("pk", "updated_at")))
"""

import string
from dataclasses import dataclass, field

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.models import User
from tests.hostile import HOSTILE
from tests.test_authz_matrix import client_for

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

# --- value strategies, reusable by new rows ----------------------------------------------
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
LONG_TEXT = st.text(string.printable, min_size=2_000, max_size=20_000)
PRINTABLE = st.text(string.printable, max_size=80)
TEXT = st.one_of(ANY_TEXT, PRINTABLE, st.sampled_from(HOSTILE), LONG_TEXT, st.just(""))
EMAIL_LIKE = st.one_of(
    st.emails(),
    st.sampled_from(["participant@example.com", "MENTEE@EXAMPLE.COM", "a@b", "@", "x@y."]),
    TEXT,
)
NUMBER_LIKE = st.one_of(
    st.integers(-(2**70), 2**70).map(str), st.sampled_from(["", "1e9", "NaN", "-0", "0x10"]), TEXT
)
DATE_LIKE = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["", "2026-02-30", "31/12/2026", "0000-00-00", "9999-12-31T25:61"]),
    TEXT,
)


def value(strategy):
    """A field: left out, one value, or repeated values."""
    return st.one_of(st.just(None), strategy, st.lists(strategy, min_size=2, max_size=3))


@dataclass
class Form:
    name: str
    url: object  # callable(world) -> url
    persona: str
    fields: dict  # field name -> strategy of values
    snapshot: object  # callable(world) -> comparable state
    extra: dict = field(default_factory=dict)


def users_state(world):
    return sorted(User.objects.values_list("pk", "email", "password", "is_active"))


FORMS = [
    Form(
        "sign in",
        lambda w: reverse("login"),
        "anonymous",
        {"username": EMAIL_LIKE, "password": TEXT, "next": TEXT},
        users_state,
    ),
    Form(
        "password reset",
        lambda w: reverse("password_reset"),
        "anonymous",
        {"email": EMAIL_LIKE},
        users_state,
    ),
    Form(
        "password change",
        lambda w: reverse("password_change"),
        "participant",
        {"old_password": TEXT, "new_password1": TEXT, "new_password2": TEXT},
        users_state,
    ),
    Form(
        "choose a new password (invalid link)",
        lambda w: reverse("password_reset_confirm", args=["MQ", "set-password"]),
        "anonymous",
        {"new_password1": TEXT, "new_password2": TEXT},
        users_state,
    ),
]


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form_data(form):
    names = list(form.fields)
    extra = st.dictionaries(PRINTABLE, TEXT, max_size=2)
    return st.tuples(st.fixed_dictionaries({n: value(form.fields[n]) for n in names}), extra).map(
        lambda t: {**t[1], **{k: v for k, v in t[0].items() if v is not None}}
    )


def check(form, world, response, before):
    assert response.status_code < 500, f"{form.name}: {response.status_code}"
    if response.status_code not in (301, 302, 303):
        assert form.snapshot(world) == before, f"{form.name}: a rejected post changed data"


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_random_fields_never_500_and_save_nothing_when_rejected(form, world):
    from django.core.cache import cache

    url = form.url(world)

    @FUZZ
    @given(data=form_data(form))
    def run(data):
        cache.clear()  # the sign-in limiter would otherwise answer 429 to everything
        mail.outbox.clear()
        before = form.snapshot(world)
        client = client_for(world, form.persona)
        response = client.post(url, data)
        check(form, world, response, before)
        if form.name == "sign in":
            assert "_auth_user_id" not in client.session  # no random guess signs in
        if form.name == "password reset":
            addresses = data.get("email")
            addresses = addresses if isinstance(addresses, list) else [addresses]
            known = {u.email for u in User.objects.all()}
            if not any(str(a).strip().lower() in known for a in addresses):
                assert mail.outbox == []

    run()


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_junk_bodies_never_500(form, world):
    from django.core.cache import cache

    url = form.url(world)
    content_types = st.sampled_from(
        [
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "multipart/form-data",
            "application/json",
            "text/plain; charset=utf-16",
            "application/x-www-form-urlencoded; charset=nope",
        ]
    )

    @FUZZ
    @given(body=st.binary(max_size=2_000), content_type=content_types)
    def run(body, content_type):
        cache.clear()
        before = form.snapshot(world)
        client = client_for(world, form.persona)
        # generic(): the bytes go as they are (post() would re-encode them itself).
        response = client.generic("POST", url, body, content_type=content_type)
        check(form, world, response, before)

    run()


def test_nul_bytes_are_refused_cleanly(client, world):
    response = client.post(reverse("login"), {"username": "a\x00@example.com", "password": "x"})
    assert response.status_code == 200
    assert b"Null characters are not allowed" in response.content
