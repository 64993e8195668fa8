"""{% site_header %} and {% site_footer %}: base.html's navigation and language switch,
written in Python.

Every page renders them, and through the engine they cost about 0.75 ms of a page's CPU
(eight {% url %}s, a dozen {% translate %}s, two {% csrf_token %}s, the language loop): a
tenth of the member dashboard's. Here the links are reversed once per URLconf and script
prefix, and the words translated once per language, as mentorship.template_text does for
rows. tests/test_site_chrome_tags.py renders the template text these replaced beside them
and requires the same HTML.
"""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from mentorship.template_text import csrf_input, text

register = template.Library()

WORDS = {  # the msgids of the header's and footer's {% translate %}s
    "main": "Main",
    "menu": "Menu",
    "dashboard": "Dashboard",
    "programs": "Programs",
    "growth": "My growth",
    "prefs": "Email preferences",
    "admin": "Site admin",
    "outbox": "Outbox",
    "sign_out": "Sign out",
    "sign_in": "Sign in",
    "motto": "Mentorship: both people teach, both people learn.",
    "language": "Language",
    "change": "Change",
}
# The links; those a feature may not have (the template's {% url … as %}) are "" without it.
LINKS = ("home", "password_change", "logout", "login", "set_language", "admin:index")
OPTIONAL_LINKS = ("programs:list", "health:growth", "emails:preferences", "dev_outbox")

_words, _links = {}, {}


def _translated():
    """WORDS in the active language, and the language names as {% get_available_languages %}
    gives them ({% translate %} writes a translation as it is: not escaped)."""
    key = (get_language(), tuple(settings.LANGUAGES))  # a test may override LANGUAGES
    found = _words.get(key)
    if found is None:
        found = {word: gettext(msgid) for word, msgid in WORDS.items()}
        found["languages"] = [(code, text(gettext(name))) for code, name in settings.LANGUAGES]
        _words[key] = found
    return found


def _urls():
    # The request's URLconf (a test's override_settings sets ROOT_URLCONF) and prefix.
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    found = _links.get(key)
    if found is None:
        found = {name: text(reverse(name)) for name in LINKS if name != "admin:index"}
        for name in (*OPTIONAL_LINKS, "admin:index"):
            try:
                found[name] = text(reverse(name))
            except NoReverseMatch:
                found[name] = ""
        _links[key] = found
    return found


@register.simple_tag(takes_context=True)
def site_header(context):
    """The site's <header>: the brand and the links for the signed-in person, or sign-in."""
    w, u = _translated(), _urls()
    user = context.get("user")
    request = context.get("request")
    outbox = f'<li><a href="{u["dev_outbox"]}">{w["outbox"]}</a></li>'
    if user is not None and user.is_authenticated:
        match = getattr(request, "resolver_match", None)
        current = ' aria-current="page"' if getattr(match, "url_name", None) == "home" else ""
        links = [f'<li><a href="{u["home"]}"{current}>{w["dashboard"]}</a></li>']
        for name, word in (
            ("programs:list", "programs"),
            ("health:growth", "growth"),
            ("emails:preferences", "prefs"),
        ):
            if u[name]:
                links.append(f'<li><a href="{u[name]}">{w[word]}</a></li>')
        if user.is_superuser:
            links.append(f'<li><a href="{u["admin:index"]}">{w["admin"]}</a></li>')
        if context.get("DEV_OUTBOX"):
            links.append(outbox)
        links.append(f'<li><a href="{u["password_change"]}">{text(user.name)}</a></li>')
        links.append(
            f'<li> <form method="post" action="{u["logout"]}" class="inline"> '
            f'{csrf_input(context)} <button type="submit" class="link-button">'
            f"{w['sign_out']}</button> </form> </li>"
        )
    else:
        links = [outbox] if context.get("DEV_OUTBOX") else []
        links.append(f'<li><a href="{u["login"]}">{w["sign_in"]}</a></li>')
    return mark_safe(  # noqa: S308 - every value is escaped (text) or a fixed word
        f'<header class="site-header"> <nav class="nav" aria-label="{w["main"]}"> '
        f'<a class="brand" href="{u["home"]}">Mentorship</a> '
        '<input type="checkbox" id="nav-toggle" class="nav-toggle"> '
        f'<label for="nav-toggle" class="nav-toggle-label">{w["menu"]}</label> '
        f'<ul class="nav-links"> {" ".join(links)} </ul> </nav> </header>'
    )


@register.simple_tag(takes_context=True)
def site_footer(context):
    """The site's <footer>: the motto and the language switch (back to this page)."""
    w, u = _translated(), _urls()
    request = context.get("request")
    here = text(request.get_full_path()) if request is not None else ""
    current = get_language()
    options = "".join(
        f'<option value="{code}" lang="{code}"{" selected" if code == current else ""}>'
        f"{name}</option>"
        for code, name in w["languages"]
    )
    return mark_safe(  # noqa: S308 - every value is escaped (text) or a fixed word
        f'<footer class="site-footer"> <p>{w["motto"]}</p> '
        f'<form class="language-switch" method="post" action="{u["set_language"]}">'
        f'{csrf_input(context)} <input type="hidden" name="next" value="{here}"> '
        f'<label for="language-choice">{w["language"]}</label> '
        f'<select id="language-choice" name="language"> {options} </select> '
        f'<button type="submit" class="secondary">{w["change"]}</button> </form> </footer>'
    )
