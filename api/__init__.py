"""The REST API (Django REST framework) and personal API tokens: the top layer, over every app.

Every object an endpoint returns is decided by the same access helpers the pages use
(mentorship/access.py, pairs/access.py, sessions/access.py)."""
