"""The risk history chart's geometry: a step per decision, held until the next, on four level bands."""

from __future__ import annotations

import datetime as dt

from lantern.screening.charts import BAND, TOP, history_chart

START = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


def test_no_decisions_draw_no_chart() -> None:
    assert history_chart([], START) is None


def test_each_decision_steps_to_its_level_and_holds_until_now() -> None:
    now = START + dt.timedelta(days=100)
    chart = history_chart([(START, "moderate"), (START + dt.timedelta(days=50), "serious")], now)
    assert chart is not None
    assert [p.label for p in chart.points] == ["Moderate", "Serious"]
    first, second = chart.points
    assert first.x == chart.plot_x
    assert second.x == chart.plot_x + chart.plot_width / 2
    assert second.y == TOP + BAND / 2  # serious is the top band
    assert first.y == TOP + 2 * BAND + BAND / 2
    assert (
        chart.path
        == f"M {first.x:.1f} {first.y:.1f} H {second.x:.1f} V {second.y:.1f} H {chart.plot_x + chart.plot_width:.1f}"
    )
    assert [b.label for b in chart.bands] == ["At risk", "Moderate", "Significant", "Serious"]
    assert (chart.first_label, chart.last_label) == ("1 Jun 2026", "9 Sep 2026")
