"""The outcomes arithmetic (pure): Jacobson-Truax tallies per group, small-cell
suppression, event rates, the monthly monitoring and the bars, against constructed
cohorts and for any counts."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from kapcare.interop.reports.outcomes import (
    CATEGORIES,
    MIN_CELL,
    ClientCourse,
    MonitoringRow,
    MonthOfMonitoring,
    band_of,
    bar,
    change_rows,
    count_row,
    monitoring_rows,
    per_hundred,
    shown_count,
    suppress,
)

counts = st.lists(st.integers(0, 60), min_size=2, max_size=5)


@given(counts)
def test_no_shown_count_is_a_small_cell(row: list[int]) -> None:
    for shown in suppress(row):
        assert shown is None or shown == 0 or shown >= MIN_CELL


@given(counts)
def test_a_lone_hidden_count_never_follows_from_the_total(row: list[int]) -> None:
    shown = suppress(row)
    hidden = [i for i, value in enumerate(shown) if value is None]
    # One hidden count is only possible when every other count is zero (nothing to pair
    # it with): then the row's total is itself small and the row is hidden as a whole.
    if len(hidden) == 1:
        assert all(row[i] == 0 for i in range(len(row)) if i != hidden[0])
        assert count_row("x", row).suppressed


@given(counts)
def test_shown_counts_are_the_counts(row: list[int]) -> None:
    for value, shown in zip(row, suppress(row), strict=True):
        assert shown is None or shown == value


def test_suppression_by_hand() -> None:
    assert suppress([20, 5, 30, 0]) == [None, None, 30, 0]
    assert suppress([20, 5, 3, 0]) == [20, None, None, 0]
    assert suppress([11, 12, 0, 0]) == [11, 12, 0, 0]
    assert suppress([10, 0, 0, 0]) == [None, 0, 0, 0]


def _courses(spec: list[tuple[str, int, str, int]]) -> list[ClientCourse]:
    """(format, medicine sessions, PHQ-9 change, how many such clients)."""
    return [
        ClientCourse(format=f, medicine_sessions=m, changes={"PHQ-9": c})  # type: ignore[dict-item]
        for f, m, c, n in spec
        for _ in range(n)
    ]


def test_a_constructed_cohort_tallies_by_format_and_medicine_sessions() -> None:
    cohort = [
        *_courses([
            ("ongoing", 4, "recovered", 12), ("ongoing", 4, "improved", 11),
            ("ongoing", 0, "unchanged", 11), ("intensive", 1, "recovered", 6),
            ("intensive", 1, "deteriorated", 3),
        ]),
        ClientCourse(format="ongoing", medicine_sessions=2, changes={}),  # nothing measured
    ]  # fmt: skip
    rows = {row.label: row for row in change_rows(cohort, "PHQ-9")}
    everyone = rows["All clients"]
    assert everyone.total == 43
    # 3 deteriorated are hidden, and so is the smallest other count (improved, 11), or
    # the 3 would follow from 43 - 18 - 11 - 11.
    assert [c.count for c in everyone.cells] == [18, None, 11, None]
    assert [c.share for c in everyone.cells] == [41.9, None, 25.6, None]
    ongoing = rows["Ongoing format"]
    assert (ongoing.total, [c.count for c in ongoing.cells]) == (34, [12, 11, 11, 0])
    assert rows["Intensive format"].suppressed  # 9 clients
    assert rows["No medicine session"].total == 11
    assert rows["3 to 5 medicine sessions"].total == 23
    assert rows["1 or 2 medicine sessions"].suppressed
    assert rows["6 or more medicine sessions"].suppressed


def test_rows_come_in_a_fixed_order_whatever_the_cohort() -> None:
    labels = [row.label for row in change_rows([], "PHQ-9")]
    assert labels == [
        "All clients", "Ongoing format", "Intensive format", "No medicine session",
        "1 or 2 medicine sessions", "3 to 5 medicine sessions", "6 or more medicine sessions",
    ]  # fmt: skip


@given(st.integers(0, 100), st.integers(0, 1000))
def test_rates_hide_small_counts(events: int, sessions: int) -> None:
    rate = per_hundred(events, sessions)
    if sessions == 0 or 0 < events < MIN_CELL:
        assert rate is None
    else:
        assert rate == round(100 * events / sessions, 1)


def test_band_of_each_number_of_sessions() -> None:
    assert [band_of(n) for n in (0, 1, 2, 3, 5, 6, 40)] == [
        "No medicine session", "1 or 2 medicine sessions", "1 or 2 medicine sessions",
        "3 to 5 medicine sessions", "3 to 5 medicine sessions",
        "6 or more medicine sessions", "6 or more medicine sessions",
    ]  # fmt: skip


@given(st.lists(st.sampled_from(CATEGORIES), max_size=80))
def test_a_bar_fills_its_width_and_hides_what_is_suppressed(changes: list[str]) -> None:
    courses = [ClientCourse("ongoing", 0, {"PHQ-9": c}) for c in changes]  # type: ignore[dict-item]
    row = change_rows(courses, "PHQ-9")[0]
    segments = bar(row, 400)
    if row.suppressed:
        assert segments == []
        return
    assert abs(sum(s.width for s in segments) - 400) < 0.05
    shown = {s.category for s in segments} - {"hidden"}
    assert shown == {c for c, cell in zip(CATEGORIES, row.cells, strict=True) if cell.count}


def _month(month: int, sessions: int, billed: tuple[int, int, int]) -> MonthOfMonitoring:
    """A month of ``sessions``, each billing 3 units of each code it billed."""
    return MonthOfMonitoring(
        dt.date(2026, month, 1), sessions, tuple(3 * b for b in billed), billed
    )


def test_monitoring_months_by_hand() -> None:
    months = [
        _month(4, 13, (13, 13, 2)),  # 0822T billed in 2 of 13 sessions
        _month(3, 12, (12, 12, 12)),
        _month(2, 3, (3, 3, 3)),
    ]
    assert monitoring_rows(months) == [
        MonitoringRow(dt.date(2026, 4, 1), 13, (39, 39, None)),
        # February's 3 sessions are hidden; alone, they would be the medicine sessions
        # held less March and April, so March (the smallest shown) is hidden with them.
        MonitoringRow(dt.date(2026, 3, 1), None, (None, None, None)),
        MonitoringRow(dt.date(2026, 2, 1), None, (None, None, None)),
    ]
    # A month of 11 or more, alone: shown, a code no session billed shown as 0.
    assert monitoring_rows([_month(3, 11, (11, 0, 11))]) == [
        MonitoringRow(dt.date(2026, 3, 1), 11, (33, 0, 33)),
    ]
    assert monitoring_rows([_month(3, 10, (10, 10, 10))])[0].suppressed


billed_months = st.lists(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(st.just(n), st.tuples(*(st.integers(0, n) for _ in range(3))))
    ),
    max_size=6,
)


@given(billed_months)
def test_no_published_monitoring_figure_rests_on_fewer_than_11_sessions(
    spec: list[tuple[int, tuple[int, int, int]]],
) -> None:
    months = [_month(1 + i, n, billed) for i, (n, billed) in enumerate(spec)]
    rows = monitoring_rows(months)
    hidden = [r for r in rows if r.suppressed]
    for month, row in zip(months, rows, strict=True):
        assert row.sessions is None or row.sessions == month.sessions >= MIN_CELL
        for units, billed, count in zip(row.units, month.billed, month.units, strict=True):
            assert units is None or (units == count and (billed == 0 or billed >= MIN_CELL))
    # Never one month hidden alone beside others shown: it would follow from the total.
    assert len(hidden) != 1 or len(rows) == 1


@given(st.integers(0, 200))
def test_a_count_published_alone_hides_1_to_10(count: int) -> None:
    assert shown_count(count) == (None if 0 < count < MIN_CELL else count)
