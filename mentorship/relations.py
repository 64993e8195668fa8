"""What mentorship needs to know about pairs without importing the pairs app (a higher
layer): whether a participant is matched, and whether two people are related (partners,
or one asked the other to pair). The pairs app provides both from its AppConfig.ready();
until it does, nobody is matched or related.
"""


class _Relations:
    # function() -> an expression for Participant querysets: "is in a live or proposed pair"
    matched_expression = None
    # function(viewer user, participant) -> bool
    related = None


PROVIDED = _Relations()


def provide(matched_expression, related):
    PROVIDED.matched_expression = matched_expression
    PROVIDED.related = related


def matched_expression():
    return PROVIDED.matched_expression() if PROVIDED.matched_expression else None


def related(viewer, participant):
    return bool(PROVIDED.related and PROVIDED.related(viewer, participant))
