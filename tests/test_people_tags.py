"""Initials avatars and labels without colons: the look shared by every page."""

from django import forms
from django.template import Context, Template

from mentorship.templatetags.people import avatar, colour, initials


def test_initials_take_the_first_and_last_word():
    assert initials("Kira Petrov") == "KP"
    assert initials("Ana María de la Cruz") == "AC"
    assert initials("Zoë") == "ZO"
    assert initials("jean-luc picard") == "JP"
    assert initials("") == "?"


def test_avatar_is_hidden_from_screen_readers_and_escapes_the_name():
    html = str(avatar("<b>Eve</b> Smith"))
    assert 'aria-hidden="true"' in html and "<b>" not in html
    assert f"avatar-{colour('<b>Eve</b> Smith')}" in html


def test_a_person_keeps_their_colour():
    assert colour("Kira Petrov") == colour("Kira Petrov")
    assert len({colour(f"Person {i}") for i in range(40)}) > 4  # and colours vary


class Sample(forms.Form):
    name = forms.CharField(label="Your name")
    email = forms.EmailField(label="Email address:")  # written with a colon: dropped too


def test_labels_have_no_trailing_colon():
    html = Template("{{ form.as_p }}{{ form.name.label_tag }}").render(Context({"form": Sample()}))
    assert ">Your name</label>" in html and ">Email address</label>" in html
    assert ":</label>" not in html
