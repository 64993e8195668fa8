"""A program's single sign-on email domains: parsing and bounds, one rule for form and model."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DOMAINS = 20
# A DNS name: labels of letters, digits and hyphens, at least one dot, a letter TLD.
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def parse(text):
    """The domains in text (commas, spaces or new lines between them), lower case, once each."""
    seen = []
    for part in re.split(r"[\s,;]+", (text or "").strip().lower()):
        part = part.removeprefix("@")
        if part and part not in seen:
            seen.append(part)
    return seen


def validate_email_domains(text):
    domains = parse(text)
    bad = [d for d in domains if not DOMAIN.match(d)]
    if bad:
        raise ValidationError(
            _("These are not email domains: %(bad)s. Write them like example.com.")
            % {"bad": ", ".join(bad[:5])}
        )
    if len(domains) > MAX_DOMAINS:
        raise ValidationError(
            _("At most %(n)d domains, please.") % {"n": MAX_DOMAINS},
        )


def domain_of(email):
    return (email or "").rpartition("@")[2].strip().lower()
