"""Shared by the single sign-on tests: start a test identity provider once per module and
walk a sign-in over plain HTTP (requests), as a browser without JavaScript would."""

import re
from html import unescape

import requests

from tests.services import free_port

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def start_button(live_url, login_path):
    """A session that pressed "Sign in with …" on our sign-in page; returns (session, response
    of the identity provider's sign-in page)."""
    session = requests.Session()
    page = session.get(live_url + "/accounts/login/", timeout=10)
    token = CSRF.search(page.text).group(1)
    response = session.post(live_url + login_path, data={"csrfmiddlewaretoken": token}, timeout=20)
    return session, response


def hidden_fields(html):
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    }


def form_action(html):
    return unescape(re.search(r'<form method="post" action="([^"]*)"', html).group(1))


def refusal(response):
    """(code, message) of our "We cannot sign you in" page."""
    match = re.search(r'<p role="alert" data-code="([^"]*)">(.*?)</p>', response.text, re.S)
    assert match, response.text[-2000:]
    return match.group(1), unescape(match.group(2)).strip()


__all__ = ["free_port", "start_button", "hidden_fields", "form_action", "refusal"]
