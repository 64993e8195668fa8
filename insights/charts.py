"""Server-side SVG charts: no JavaScript, no inline styles, readable without colour.

Each chart is a Chart with the SVG (with <title> and <desc>), and the same numbers as
a table (caption, header, rows) for the template to render next to it. Series are told
apart by pattern and marker shape as well as colour, and bars carry their value as a
direct label. All text is escaped here; the result is marked safe only once built.
"""

import dataclasses
import functools
import html

from django.conf import settings
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 260
# A phone draws the narrow variant at about its own size (a 390 px screen gives the chart
# some 324 px), so its 13-unit text stays 12 px or more; CSS shows one variant or the other.
NARROW = 320
FONT = {WIDTH: 12, NARROW: 13}
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 24, 46
MENTOR_FILL = "#2f6f5e"
MENTEE_FILL = "#b7791f"
INK = "#1d2a2a"
GRID = "#d7dfdd"
MAX_VALUE_LABELS = 26  # beyond this many bars the values would overlap: the table has them


@dataclasses.dataclass
class Chart:
    key: str
    title: str
    svg: str
    caption: str
    header: list
    rows: list
    svg_narrow: str = ""

    @property
    def body(self):
        """The table's rows as HTML, as the template would render them cell by cell (a
        whole-program range has some 1,700 cells: a template loop costs milliseconds)."""
        return mark_safe(  # noqa: S308 - every cell is escaped
            "".join(
                f'<tr><th scope="row">{_cell(label)}</th>'
                + "".join(f"<td>{_cell(cell)}</td>" for cell in cells)
                + "</tr>"
                for label, *cells in self.rows
            )
        )


def _cell(value):
    """A cell as {{ value }} renders it: localized, then escaped. Most cells are counts
    and labels: localize() gives an int as str() does unless thousands are grouped, and
    leaves a str as it is (escape() is html.escape); the rest go the whole way."""
    kind = type(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    if kind is str:
        return html.escape(value)
    return conditional_escape(localize(value))


def _escape(text):
    return html.escape(str(text))


def _num(value):
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _percent(value):
    return f"{round(value)}%"


def _nice_max(value):
    """A round axis maximum at or above value."""
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return ((int(value) + step - 1) // step) * step or step
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((int(value) + magnitude - 1) // magnitude) * magnitude


def _open(key, title, desc, height=HEIGHT, width=WIDTH):
    k = escape(key)
    return [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{k}-title {k}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT.get(width, 12)}">',
        f'<title id="{k}-title">{escape(title)}</title>',
        f'<desc id="{k}-desc">{escape(desc)}</desc>',
    ]


def _label_every(count, room, label_px=60):
    """Show every n-th x label so they do not overlap."""
    return max(1, -(-count * label_px // room))


def _y_axis(parts, top_value, plot_h, width, fmt=_num):
    for i in range(5):
        value = top_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(fmt(value))}</text>"
        )
    # The axes themselves: drawn over the grid, in ink.
    parts.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    parts.append(
        f'<line class="chart-axis" x1="{LEFT}" x2="{width - RIGHT}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}" stroke="{INK}" stroke-width="1"/>'
    )


def bar_chart(
    key,
    title,
    desc,
    labels,
    values,
    *,
    target=None,
    target_label="",
    caption="",
    width=WIDTH,
    fmt=_num,
    top_value=None,
    none_label="–",
):
    """Vertical bars with their values on top; an optional dashed target line per bar.
    A value of None (nothing to measure in that period) draws no bar, only a dash."""
    plot_w, plot_h = width - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    targets = target if isinstance(target, list | tuple) else [target] * len(values)
    if top_value is None:
        # At least 4, so a count axis ticks at whole numbers (0, 1, 2, 3, 4).
        top_value = _nice_max(max([*(v or 0 for v in values), *[t or 0 for t in targets], 4]))
    parts = _open(key, title, desc, width=width)
    _y_axis(parts, top_value, plot_h, width, fmt=fmt)
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(2.0, slot * 0.7)
    every = _label_every(n, plot_w)
    value_every = _label_every(n, plot_w, label_px=34)
    # Per bar, html.escape (what escape() runs, without its lazy-string check): a
    # whole-program range draws some 600 bars.
    for i, (label, value) in enumerate(zip(map(_escape, labels), values, strict=True)):
        x = LEFT + slot * i + (slot - bar_w) / 2
        h = plot_h * (value or 0) / top_value
        y = TOP + plot_h - h
        shown = none_label if value is None else fmt(value)
        if value is not None:
            parts.append(
                f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{MENTOR_FILL}"><title>{label}: '
                f"{_escape(shown)}</title></rect>"
            )
        if n <= MAX_VALUE_LABELS and i % value_every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                f'fill="{INK}">{_escape(shown)}</text>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle" fill="{INK}">{label}</text>'
            )
        t = targets[i] if i < len(targets) else None
        if t:
            ty = TOP + plot_h - plot_h * t / top_value
            parts.append(
                f'<line class="chart-target" x1="{LEFT + slot * i:.1f}" '
                f'x2="{LEFT + slot * (i + 1):.1f}" y1="{ty:.1f}" y2="{ty:.1f}" '
                f'stroke="{INK}" stroke-width="2" stroke-dasharray="6 4"/>'
            )
    if target_label and any(targets):
        legend_y = HEIGHT - 8
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + 28}" y1="{legend_y - 4}" y2="{legend_y - 4}" '
            f'stroke="{INK}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{LEFT + 34}" y="{legend_y}" fill="{INK}">{escape(target_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped


def completion_chart(key, title, desc, labels, ratios, width=WIDTH):
    """Share of actions done per period as bars on a 0–100% axis; a period with nothing
    due shows a dash, so a sparse range reads as bars and gaps, not floating dots."""
    values = [None if r is None else r * 100 for r in ratios]
    return bar_chart(key, title, desc, labels, values, width=width, fmt=_percent, top_value=100)


def paired_bars_chart(key, title, desc, groups, mentor_label, mentee_label, width=WIDTH):
    """Horizontal paired bars, mentors solid, mentees hatched; each labelled directly. Each
    group's name sits above its bars, so the bars keep the width on a phone.

    groups: [(label, mentor_value, mentee_value)].
    """
    row_h, gap, title_h = 22, 14, 20
    height = TOP + len(groups) * (title_h + 2 * row_h + gap) + 30
    plot_w = width - RIGHT - 110
    top_value = _nice_max(max([0, *[max(a, b) for _, a, b in groups]]))
    k = escape(key)
    parts = _open(key, title, desc, height, width)
    parts.append(
        f'<defs><pattern id="{k}-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{MENTEE_FILL}" stroke-width="5"/>'
        f"</pattern></defs>"
    )
    y = TOP
    for label, mentor_value, mentee_value in groups:
        parts.append(
            f'<text x="0" y="{y + 14}" fill="{INK}" font-weight="600">{escape(label)}</text>'
        )
        y += title_h
        for who, value, fill in (
            (mentor_label, mentor_value, MENTOR_FILL),
            (mentee_label, mentee_value, f"url(#{k}-hatch)"),
        ):
            w = plot_w * value / top_value
            parts.append(
                f'<rect x="1" y="{y}" width="{w:.1f}" height="{row_h - 4}" '
                f'fill="{fill}" stroke="{INK}" stroke-width="1"><title>{escape(label)}, '
                f"{escape(who)}: {value}</title></rect>"
            )
            parts.append(
                f'<text x="{w + 7:.1f}" y="{y + row_h - 8}" fill="{INK}">'
                f"{escape(who)} {value}</text>"
            )
            y += row_h
        y += gap
    legend_y = height - 12
    parts.append(
        f'<rect x="1" y="{legend_y - 10}" width="14" height="12" fill="{MENTOR_FILL}" '
        f'stroke="{INK}"/><text x="21" y="{legend_y}" fill="{INK}">'
        f"{escape(mentor_label)}</text>"
    )
    parts.append(
        f'<rect x="120" y="{legend_y - 10}" width="14" height="12" '
        f'fill="url(#{k}-hatch)" stroke="{INK}"/><text x="140" y="{legend_y}" '
        f'fill="{INK}">{escape(mentee_label)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped


def _both(draw, key, *args, **kwargs):
    """(wide, narrow) variants of one chart; ids differ so both can sit in one page."""
    return draw(key, *args, **kwargs), draw(f"{key}-narrow", *args, width=NARROW, **kwargs)


def _bucket_label(start, weekly):
    return _bucket_label_in(start, weekly, get_language())


@functools.lru_cache(maxsize=4096)
def _bucket_label_in(start, weekly, language):
    """A bucket's label in the active `language` (the cache's key: the format is fixed, only
    the month names are translated). A whole-program range has 121 buckets, and Django's
    date_format takes some 25 us each."""
    return date_format(start, "j M" if weekly else "M Y")


def dashboard_charts(health):
    """The three dashboard charts for an insights.figures.Health, each with its table."""
    weekly = health.weekly
    period = _("Week of") if weekly else _("Month")
    labels = [_bucket_label(a, weekly) for a, _b, _n in health.sessions]
    logged = [n for _a, _b, n in health.sessions]
    pairs = health.pairs["overlapping"]
    cadence = health.program.cadence_days
    expected = [round(pairs * ((b - a).days + 1) / cadence, 1) for a, b, _n in health.sessions]
    span = _("%(start)s to %(end)s") % {
        "start": health.date_range.start.isoformat(),
        "end": health.date_range.end.isoformat(),
    }
    per = _("per week") if weekly else _("per month")
    sessions_desc = _(
        "Logged sessions %(per)s, %(span)s: %(total)s in all. The dashed line is what "
        "%(pairs)s pairs meeting every %(cadence)s days would log."
    ) % {"per": per, "span": span, "total": sum(logged), "pairs": pairs, "cadence": cadence}
    sessions_title = _("Sessions over time")
    sessions_svg, sessions_narrow = _both(
        bar_chart,
        "chart-sessions",
        sessions_title,
        sessions_desc,
        labels,
        logged,
        target=expected,
        target_label=_("Expected at the program's cadence"),
    )
    charts = [
        Chart(
            key="chart-sessions",
            title=sessions_title,
            svg=sessions_svg,
            svg_narrow=sessions_narrow,
            caption=_("Logged sessions %(per)s") % {"per": per},
            header=[period, _("Logged sessions"), _("Expected")],
            rows=[
                [label, n, _num(e)] for label, n, e in zip(labels, logged, expected, strict=True)
            ],
        )
    ]

    ratios = [(done / due) if due else None for _a, _b, due, done in health.completion]
    known = [r for r in ratios if r is not None]
    completion_desc = (
        _("Share of next actions done, by due date %(per)s, %(span)s. Overall %(overall)s.")
        % {
            "per": per,
            "span": span,
            "overall": f"{round(health.completion_ratio * 100)}%"
            if health.completion_ratio is not None
            else _("no actions came due"),
        }
        if known
        else _("No next actions came due %(span)s.") % {"span": span}
    )
    completion_title = _("Next-action completion over time")
    completion_svg, completion_narrow = _both(
        completion_chart, "chart-completion", completion_title, completion_desc, labels, ratios
    )
    charts.append(
        Chart(
            key="chart-completion",
            title=completion_title,
            svg=completion_svg,
            svg_narrow=completion_narrow,
            caption=_("Next actions that came due, and how many were done"),
            header=[period, _("Came due"), _("Done"), _("Completion")],
            rows=[
                [label, due, done, f"{round(done / due * 100)}%" if due else "–"]
                for label, (_a, _b, due, done) in zip(labels, health.completion, strict=True)
            ],
        )
    )

    b, a = health.balance, health.actions
    groups = [
        (_("Agenda questions brought"), b["agenda_mentor"], b["agenda_mentee"]),
        (_("Sessions with questions brought"), b["questions_mentor"], b["questions_mentee"]),
        (_("Learnings recorded"), b["learned_mentor"], b["learned_mentee"]),
        (_("Teaching recorded"), b["shared_mentor"], b["shared_mentee"]),
        (_("Actions completed"), a["done_mentor"], a["done_mentee"]),
    ]
    mentors, mentees = _("Mentors"), _("Mentees")
    balance_desc = (
        "; ".join(f"{label}: {mentors} {m}, {mentees} {e}" for label, m, e in groups)
        + ". "
        + _("Actions owned by both: %(n)s.") % {"n": a["done_both"]}
    )
    balance_title = _("Two-way balance: mentors and mentees")
    balance_svg, balance_narrow = _both(
        paired_bars_chart, "chart-balance", balance_title, balance_desc, groups, mentors, mentees
    )
    charts.append(
        Chart(
            key="chart-balance",
            title=balance_title,
            svg=balance_svg,
            svg_narrow=balance_narrow,
            caption=_("What mentors and mentees brought, %(span)s") % {"span": span},
            header=["", mentors, mentees],
            rows=[[label, m, e] for label, m, e in groups],
        )
    )
    charts.append(checkin_chart(health, labels, period, per, span))
    return charts


def checkin_chart(health, labels, period, per, span):
    """The average check-in score (1-5) per bucket; a bucket nobody answered in shows 0
    in the chart and "–" in the table."""
    averages = [avg for _a, _b, avg, _n in health.checkin_scores]
    counts = [n for _a, _b, _avg, n in health.checkin_scores]
    overall = health.checkins.get("average")
    desc = _(
        "Average check-in score from 1 to 5 %(per)s, %(span)s: %(overall)s over %(n)s answers."
    ) % {
        "per": per,
        "span": span,
        "overall": f"{overall:.1f}" if overall is not None else "–",
        "n": sum(counts),
    }
    title = _("Check-in score over time")
    return Chart(
        key="chart-checkins",
        title=title,
        svg=bar_chart("chart-checkins", title, desc, labels, [round(a or 0, 1) for a in averages]),
        caption=_("Average check-in score (1 to 5) %(per)s") % {"per": per},
        header=[period, _("Average score"), _("Answers")],
        rows=[
            [label, f"{a:.1f}" if a is not None else "–", n]
            for label, a, n in zip(labels, averages, counts, strict=True)
        ],
    )
