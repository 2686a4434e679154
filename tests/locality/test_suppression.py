"""Small-number suppression on tricky tables: primary 1 to 5, secondary so nothing can be worked out."""

from __future__ import annotations

from lantern.locality.suppression import Line, is_small, suppress


def grid(rows: dict[str, list[int]]) -> tuple[dict, list[Line]]:
    """Wards x months with each month's borough total and each ward's row total."""
    counts: dict = {}
    lines: list[Line] = []
    months = range(len(next(iter(rows.values()))))
    for ward, values in rows.items():
        for month, value in enumerate(values):
            counts[(ward, month)] = value
        counts[(ward, "total")] = sum(values)
        lines.append(Line((ward, "total"), [(ward, m) for m in months]))
    for month in months:
        counts[("borough", month)] = sum(values[month] for values in rows.values())
        lines.append(Line(("borough", month), [(ward, month) for ward in rows]))
    counts[("borough", "total")] = sum(counts[(w, "total")] for w in rows)
    lines.append(Line(("borough", "total"), [(w, "total") for w in rows]))
    lines.append(Line(("borough", "total"), [("borough", m) for m in months]))
    return counts, lines


def derivable(counts: dict, lines: list[Line], hidden: set) -> list:
    """Hidden figures a reader could work out: a line with exactly one hidden member."""
    leaks = []
    for line in lines:
        members = [line.total, *line.parts]
        unknown = [key for key in members if key in hidden]
        if len(unknown) == 1:
            leaks.append(unknown[0])
    return leaks


def test_primary_suppression_is_one_to_five_and_zero_is_shown() -> None:
    assert [is_small(n) for n in (0, 1, 5, 6, None)] == [False, True, True, False, False]
    counts = {"a": 0, "b": 1, "c": 5, "d": 6}
    assert suppress(counts, []) == {"b", "c"}


def test_one_small_cell_in_a_line_hides_the_next_smallest() -> None:
    counts = {"total": 40, "a": 3, "b": 20, "c": 17}
    assert suppress(counts, [Line("total", ["a", "b", "c"])]) == {"a", "c"}


def test_zeros_are_not_chosen_and_the_total_goes_when_nothing_else_can() -> None:
    counts = {"total": 3, "a": 3, "b": 0, "c": 0}
    # Hiding a zero would not help (the reader knows zeros are shown), so the total itself is hidden.
    assert suppress(counts, [Line("total", ["a", "b", "c"])]) == {"a", "total"}


def test_a_small_total_with_large_parts_cannot_happen_but_a_shown_total_of_hidden_parts_is_safe() -> None:
    counts = {"total": 8, "a": 4, "b": 4}
    assert suppress(counts, [Line("total", ["a", "b"])]) == {"a", "b"}


def test_secondary_suppression_cascades_across_rows_and_columns() -> None:
    counts, lines = grid(
        {
            "Ashby": [2, 10, 12],
            "Brindle": [9, 8, 30],
            "Crowfield": [14, 11, 7],
        }
    )
    hidden = suppress(counts, lines)
    assert ("Ashby", 0) in hidden
    assert not derivable(counts, lines, hidden)
    # Every line touched holds two or more hidden figures; untouched lines hold none.
    assert all(len([k for k in (line.total, *line.parts) if k in hidden]) != 1 for line in lines)


def test_many_small_numbers_in_a_sparse_table_leave_nothing_derivable() -> None:
    counts, lines = grid(
        {
            "A": [1, 0, 0, 7, 2],
            "B": [0, 3, 0, 0, 0],
            "C": [6, 6, 1, 0, 9],
            "D": [0, 0, 0, 0, 4],
        }
    )
    hidden = suppress(counts, lines)
    assert {("A", 0), ("A", 4), ("B", 1), ("C", 2), ("D", 4)} <= hidden
    assert not derivable(counts, lines, hidden)
    # B's only non-zero month is hidden: its row total (3) would give it away, so it is hidden too.
    assert ("B", "total") in hidden
    assert all(counts[k] != 0 or k[1] == "total" for k in hidden if isinstance(k, tuple))


def test_nested_areas_lsoas_within_wards_within_the_borough() -> None:
    counts = {"borough": 50, "w1": 20, "w2": 30, "l1": 2, "l2": 18, "l3": 30}
    lines = [Line("borough", ["w1", "w2"]), Line("w1", ["l1", "l2"]), Line("w2", ["l3"])]
    hidden = suppress(counts, lines)
    assert hidden == {"l1", "l2"}
    assert not derivable(counts, lines, hidden)


def test_missing_figures_are_neither_hidden_nor_counted_as_hidden() -> None:
    counts = {"total": 10, "a": 4, "b": None, "c": 6}
    assert suppress(counts, [Line("total", ["a", "b", "c"])]) == {"a", "c"}
