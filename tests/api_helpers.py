"""Personal tokens for the World's personas, and a client that sends one."""

from django.test import Client

from api import tokens


def token_for(user, scope="write", name="test"):
    return tokens.create(user, name, scope)[1]


def api_client(raw=None):
    """A Django test client that sends `Authorization: Bearer <raw>` (none if raw is None)."""
    headers = {"Authorization": f"Bearer {raw}"} if raw else {}
    return Client(headers=headers)
