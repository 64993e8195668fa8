"""Email for every app: the outbox, preferences, signed links, the development outbox.

The bottom layer: it imports only Django and the user model. Other apps register their
email kinds from their AppConfig.ready() (notifications.registry.register) and queue
emails through notifications.outbox.queue / queue_many; nothing sends email any other way.
"""
