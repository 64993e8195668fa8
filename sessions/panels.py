"""Panels that higher apps add to the dashboard and the pair page.

sessions cannot import the apps above it (checkins, insights), yet its two pages must show
what those apps know about a person or a pair (a check-in to answer, an idle pair). A
higher app registers a provider from its AppConfig.ready(); the page calls every provider
and includes each Panel's template. A provider costs a fixed number of queries.
"""

from dataclasses import dataclass, field


@dataclass
class Panel:
    template: str  # included by the page with `panel` in its context
    context: dict = field(default_factory=dict)


# function(user, board, now) -> Panel or None; board is sessions.dashboard.Dashboard.
DASHBOARD = []
# function(access, now) -> Panel or None; access is sessions.access.PairAccess.
PAIR_PAGE = []


def add_dashboard_panel(provider):
    if provider not in DASHBOARD:
        DASHBOARD.append(provider)


def add_pair_panel(provider):
    if provider not in PAIR_PAGE:
        PAIR_PAGE.append(provider)


def dashboard_panels(user, board, now):
    return [p for p in (provider(user, board, now) for provider in DASHBOARD) if p]


def pair_panels(access, now):
    return [p for p in (provider(access, now) for provider in PAIR_PAGE) if p]
