"""Email for every app: the outbox, preferences, signed links, the development outbox.

The bottom layer: it imports only Django and the user model. Other apps register their
email kinds from their AppConfig.ready() (notifications.registry.register) and queue
emails through notifications.outbox.queue / queue_many; nothing sends email any other way.
"""

import importlib

_API = {
    "register": "registry",
    "register_list": "registry",
    "queue": "outbox",
    "queue_many": "outbox",
}


def __getattr__(name):
    """notifications.register / register_list / queue / queue_many, loaded on first use
    (PEP 562): importing the package must not import models before the apps are ready."""
    if name not in _API:
        raise AttributeError(f"module 'notifications' has no attribute {name!r}")
    # Imported here, not at the top: the outbox imports models (see the docstring above).
    module = importlib.import_module(f"notifications.{_API[name]}")
    return getattr(module, name)
