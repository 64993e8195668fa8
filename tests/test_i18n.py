"""The product in Spanish, French and German (issue 18, item 6).

- The catalogues under locale/ translate every marked string, with nothing fuzzy, and the
  compiled .mo files say the same as the .po files.
- `makemessages` finds no marked string the catalogues lack (run on a copy of the tree).
- Every page each persona reaches, and every email kind, rendered in each language for a
  person who chose it: the page says its language, and no English text of a marked string
  that has a translation is left on it (a string evaluated too early, or an email rendered in
  the site's language instead of the recipient's, would show up here).
- The person's choice wins over the browser's; with no choice the browser's is used.
"""

import gettext
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from notifications import outbox
from notifications.models import SentEmail
from notifications.registry import KINDS
from tests.test_emails_plain_text import rows
from tests.test_pages_browser import pages, seed

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "fr", "de")
PLACEHOLDER = re.compile(r"%\(|%[sd]|\{")


def catalogue(lang):
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


def english_markers(lang):
    """English msgids of three words or more that have a different translation: none may be
    left on a page or in an email rendered in lang."""
    markers = set()
    for entry in catalogue(lang):
        text = entry.msgid
        if entry.msgid_plural or PLACEHOLDER.search(text) or "<" in text:
            continue
        if len(text.split()) >= 3 and entry.msgstr and entry.msgstr != text:
            markers.add(text)
    return markers


def leftovers(text, markers):
    plain = html.unescape(re.sub(r"\s+", " ", text))
    return sorted(m for m in markers if m in plain)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_string_is_translated_and_compiled(lang):
    po = catalogue(lang)
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert po.obsolete_entries() == []
    mo_path = ROOT / "locale" / lang / "LC_MESSAGES" / "django.mo"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    for entry in po:
        if entry.msgid_plural:
            for n, text in entry.msgstr_plural.items():
                assert compiled[(entry.msgid, int(n))] == text, entry.msgid
        else:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            assert compiled[key] == entry.msgstr, f"{lang}: {entry.msgid!r} is stale in django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_makemessages_finds_nothing_new(tmp_path):
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", ".git", "var", "test-artifacts", "node_modules")
    shutil.copytree(ROOT, tree, ignore=ignore)
    command = [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location",
               "--no-obsolete", "--ignore=tests", "--ignore=bench", "-v0"]  # fmt: skip
    subprocess.run(command, cwd=tree, check=True)
    fresh = {e.msgid for e in polib.pofile(str(tree / "locale/de/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in catalogue("de")}
    assert sorted(fresh - committed) == [], "run: make messages, then translate the new strings"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_in_the_persons_language(client, lang, settings):
    settings.DEBUG = True  # the development outbox is one of the pages
    settings.EMAIL_BACKEND = "notifications.dev_outbox.OutboxBackend"
    markers = english_markers(lang)
    problems = []
    for persona, (user, urls) in pages(*seed()).items():
        client.logout()
        if user is not None:
            user.language = lang
            user.save(update_fields=["language"])
            client.force_login(user)
        for _name, url, *expected in urls:
            if callable(url):  # a browser journey (an upload), walked by the page walk
                continue
            # The browser asks for English: the person's choice must win (anonymous: none).
            headers = {"Accept-Language": "en" if user is not None else lang}
            settings.DEBUG = expected != [404]  # DEBUG shows Django's technical 404 page
            response = client.get(url, headers=headers, follow=True)
            if response.status_code != (expected[0] if expected else 200):
                problems.append(f"{persona} {url}: HTTP {response.status_code}")
                continue
            body = response.content.decode()
            if f'<html lang="{lang}"' not in body:
                problems.append(f"{persona} {url}: not served in {lang}")
            for text in leftovers(body, markers):
                problems.append(f"{persona} {url}: English left: {text!r}")
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_email_in_the_recipients_language(world, lang):
    markers = english_markers(lang)
    problems, seen = [], set()
    for kind, user, context in rows(world):
        user.language = lang
        user.save(update_fields=["language"])
        row = SentEmail(kind=kind, key="i18n", user=user, context=context)
        with translation.override("en"):  # the worker's own language must not leak in
            message = outbox._build(row, connection=None)
        assert not isinstance(message, str), (kind, message)
        for part in (message.subject, message.body, message.alternatives[0].content):
            problems += [f"{kind}: English left: {t!r}" for t in leftovers(part, markers)]
        seen.add(kind)
    assert problems == []
    assert seen == set(KINDS)


@pytest.mark.django_db
def test_the_browser_decides_until_the_person_chooses(client, world):
    user = world.mentee.user
    client.force_login(user)
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).content.decode()
    assert '<html lang="fr"' in page
    response = client.post("/language/", {"language": "de", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    user.refresh_from_db()
    assert user.language == "de"
    page = client.get("/", headers={"Accept-Language": "fr"}).content.decode()
    assert '<html lang="de"' in page


@pytest.mark.django_db
def test_the_language_switch_refuses_get_and_unknown_languages(client, world):
    user = world.mentee.user
    client.force_login(user)
    assert client.get("/language/?language=de").status_code == 405
    client.post("/language/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_languages_offered_are_the_catalogues_plus_english():
    codes = {code for code, _name in settings.LANGUAGES}
    assert codes == {"en", *LANGUAGES}
    for lang in LANGUAGES:
        assert (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").exists()
    call_command("check")
