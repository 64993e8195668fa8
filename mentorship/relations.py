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
    # function(participant) -> [{"partner", "role", "status", "started_on", "url"}]
    pairs_of = None


PROVIDED = _Relations()


def provide(matched_expression, related, pairs_of):
    PROVIDED.matched_expression = matched_expression
    PROVIDED.related = related
    PROVIDED.pairs_of = pairs_of


def matched_expression():
    return PROVIDED.matched_expression() if PROVIDED.matched_expression else None


def related(viewer, participant):
    return bool(PROVIDED.related and PROVIDED.related(viewer, participant))


def pairs_of(participant):
    """The participant's pairs, newest first (statuses and dates only)."""
    return PROVIDED.pairs_of(participant) if PROVIDED.pairs_of else []
