"""Never a 500 on bad input: random and malformed data at every form, nothing saved.

Each row of FORMS is a form that exists; hypothesis posts random field values (missing
fields, repeated fields, very long text, unicode of every kind, NUL, the hostile corpus,
stray extra fields) and raw junk bodies. Every answer must be 2xx/3xx/4xx, never 500; and a
rejected submission (anything but a redirect) must leave `snapshot(world)` unchanged.

Add a row for your form: its page URL, who fills it in, and (optionally) the field
strategies; left out, the fields are read from the rendered form and given a strategy by
input type (text, email, number, date, datetime-local, select, checkbox):

    Form("log a session", lambda w: reverse("sessions:log", args=[w.pair.pk]), "participant")

The default snapshot is the whole database (every model's rows, django sessions and
last_login aside): a rejected post must change nothing anywhere.
"""

import string
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorship.models import User
from tests.hostile import HOSTILE
from tests.test_authz_matrix import client_for, sample

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    database=None,
)

# --- value strategies, reusable by new rows ----------------------------------------------
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
LONG_TEXT = st.text(string.printable, min_size=1_000, max_size=3_000).map(lambda t: t * 8)
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


CHECKBOX = st.sampled_from(["on", "", "true", "0", "\x00"])
BY_INPUT_TYPE = {
    "email": EMAIL_LIKE,
    "number": NUMBER_LIKE,
    "date": DATE_LIKE,
    "datetime-local": DATE_LIKE,
    "checkbox": CHECKBOX,
    "hidden": st.one_of(NUMBER_LIKE, TEXT),
}
SKIP_DB = {"sessions.session", "admin.logentry", "contenttypes.contenttype", "auth.permission"}


def db_fingerprint(world=None):
    """Every row of every model (django sessions, admin log and last_login aside)."""
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in SKIP_DB or model._meta.proxy:
            continue
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        state[label] = sorted(map(repr, model._default_manager.values_list(*names)))
    return state


@dataclass
class Form:
    name: str
    url: object  # callable(world) -> url of the page that shows the form (and takes the post)
    persona: str
    fields: dict | None = None  # field name -> strategy; None: read from the rendered form
    snapshot: object = db_fingerprint  # callable(world) -> comparable state
    examples: int = 50  # hypothesis max_examples for random fields
    extra: dict = field(default_factory=dict)


class _FormFields(HTMLParser):
    """Field names and input types of the POST forms on a page."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = {"action": a.get("action") or "", "fields": {}}
            self.forms.append(self._current)
        elif self._current is not None and a.get("name") and tag in ("input", "textarea", "select"):
            kind = "select" if tag == "select" else (a.get("type") or "text").lower()
            if kind not in ("submit", "button", "reset", "image"):
                self._current["fields"][a["name"]] = kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def discover(client, url):
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    parser = _FormFields()
    parser.feed(page.content.decode())
    mine = [f for f in parser.forms if f["action"] in ("", url)]
    assert mine, f"no POST form posting to {url} on its page"
    fields = {}
    for form in mine:
        for name, kind in form["fields"].items():
            if name != "csrfmiddlewaretoken":
                fields[name] = BY_INPUT_TYPE.get(kind, TEXT)
    return fields


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
    # Feature forms: fields read from the rendered form, whole-database snapshot; fewer
    # examples each (their pages are heavier) to keep the suite quick.
    Form("start a program", lambda w: reverse("programs:create"), "program_admin", examples=30),
    Form(
        "edit a program",
        lambda w: reverse("programs:edit", args=["main"]),
        "program_admin",
        examples=30,
    ),
    Form(
        "invite people",
        lambda w: reverse("programs:invites", args=["main"]),
        "program_admin",
        examples=30,
    ),
    Form(
        "manual pair",
        lambda w: reverse("pairs:manual", args=["main"]),
        "program_admin",
        examples=30,
    ),
    Form(
        "edit my profile",
        lambda w: reverse("programs:profile_edit", args=["main"]),
        "participant",
        examples=30,
    ),
    Form(
        "log a session",
        lambda w: reverse("sessions:log", args=[w.pair.pk]),
        "participant",
        examples=30,
    ),
    Form(
        "add my side",
        lambda w: reverse("sessions:side", args=[sample(w, "session").pk]),
        "partner",
        examples=30,
    ),
]


def form_data(fields):
    extra = st.dictionaries(PRINTABLE, TEXT, max_size=2)
    return st.tuples(
        st.fixed_dictionaries({n: value(strategy) for n, strategy in fields.items()}), extra
    ).map(lambda t: {**t[1], **{k: v for k, v in t[0].items() if v is not None}})


def check(form, world, response, before):
    assert response.status_code < 500, f"{form.name}: {response.status_code}"
    if response.status_code not in (301, 302, 303):
        assert form.snapshot(world) == before, f"{form.name}: a rejected post changed data"


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
def test_random_fields_never_500_and_save_nothing_when_rejected(form, world):
    from django.core.cache import cache

    url = form.url(world)
    fields = form.fields or discover(client_for(world, form.persona), url)
    assert fields, f"{form.name}: no fields"

    @settings(FUZZ, max_examples=form.examples)
    @given(data=form_data(fields))
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

    # Junk is refused by the request parser or the form alike: fewer examples suffice.
    @settings(FUZZ, max_examples=15)
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
