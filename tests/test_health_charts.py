"""The SVG charts: well-formed, labelled, escaped, readable without colour."""

import datetime
import xml.etree.ElementTree as ET

from django.utils import translation
from django.utils.formats import date_format

from insights import charts

NS = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ET.fromstring(str(svg))


def test_bar_chart_has_title_desc_values_and_dashed_target():
    svg = charts.bar_chart(
        "c1", "Sessions <over> time", "Logged & expected", ["1 Nov", "8 Nov"], [3, 12],
        target=[4, 4], target_label="Expected",
    )  # fmt: skip
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{NS}title").text == "Sessions <over> time"
    assert root.find(f"{NS}desc").text == "Logged & expected"
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "3" in texts and "12" in texts  # direct labels on the bars
    assert "1 Nov" in texts and "Expected" in texts
    dashed = [e for e in root.iter(f"{NS}line") if e.get("stroke-dasharray")]
    assert len(dashed) == 3  # one per bar, and the legend
    assert "style=" not in str(svg)


def test_bar_heights_are_proportional():
    root = parse(charts.bar_chart("c", "t", "d", ["a", "b"], [5, 10]))
    bars = [r for r in root.iter(f"{NS}rect") if r.get("class") == "chart-bar"]
    assert float(bars[1].get("height")) == 2 * float(bars[0].get("height"))


def test_completion_chart_draws_bars_on_a_percent_axis_and_a_dash_for_no_data():
    root = parse(
        charts.completion_chart("c2", "Done", "d", ["a", "b", "c", "d"], [0.5, None, 1, 0])
    )
    bars = [r for r in root.iter(f"{NS}rect") if r.get("class") == "chart-bar"]
    assert len(bars) == 3  # not floating dots: a bar per period with actions due
    assert float(bars[1].get("height")) == 2 * float(bars[0].get("height"))  # 100% vs 50%
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert {"50%", "100%", "0%", "–"} <= set(texts)  # values, the axis, the empty period
    axes = [e for e in root.iter(f"{NS}line") if e.get("class") == "chart-axis"]
    assert len(axes) == 2  # x and y


def test_narrow_variant_draws_at_a_phone_size_with_larger_text_and_its_own_ids():
    wide, narrow = charts._both(charts.paired_bars_chart, "b", "t", "d", [("q", 1, 2)], "M", "E")
    w, n = parse(wide), parse(narrow)
    assert n.get("viewBox").split()[2] == str(charts.NARROW)
    assert int(n.get("font-size")) * 324 / charts.NARROW >= 12  # a 390 px screen's chart
    assert n.find(f"{NS}defs/{NS}pattern").get("id") != w.find(f"{NS}defs/{NS}pattern").get("id")


def test_paired_bars_chart_hatches_mentees_and_labels_both():
    svg = charts.paired_bars_chart(
        "bal", "Balance", "d", [("Questions", 4, 7)], "Mentors", "Mentees"
    )
    root = parse(svg)
    assert root.find(f"{NS}defs/{NS}pattern").get("id") == "bal-hatch"
    fills = {r.get("fill") for r in root.iter(f"{NS}rect")}
    assert "url(#bal-hatch)" in fills
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Mentors 4" in texts and "Mentees 7" in texts


def test_all_zero_data_still_draws():
    for svg in (
        charts.bar_chart("z", "t", "d", [], []),
        charts.completion_chart("z", "t", "d", ["a"], [None]),
        charts.paired_bars_chart("z", "t", "d", [("q", 0, 0)], "M", "E"),
    ):
        parse(svg)


def test_many_bars_drop_value_labels_and_thin_the_axis():
    labels = [str(datetime.date(2020, 1, 1) + datetime.timedelta(days=30 * i)) for i in range(60)]
    root = parse(charts.bar_chart("m", "t", "d", labels, list(range(60))))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert sum(1 for t in texts if t in labels) < 20


def test_bucket_labels_follow_the_active_language_each_time():
    """The labels are cached by language: each call gives what date_format gives in the
    language active at that moment, however the languages alternate."""
    days = [datetime.date(2026, month, 1) for month in (3, 5, 10, 12)]
    for language in ("de", "en", "fr", "de", "es", "en"):
        with translation.override(language):
            for day in days:
                for weekly in (True, False):
                    expected = date_format(day, "j M" if weekly else "M Y")
                    assert charts._bucket_label(day, weekly) == expected, (language, day)
    with translation.override("de"):
        assert charts._bucket_label(days[0], False) == "Mär 2026"
