"""The calendar's time grid layout (pure): rows of 15 minutes, blocks spanning rows, lanes."""

from hypothesis import given
from hypothesis import strategies as st

from kapcare.scheduling.grid import Column, Empty, Item, Placed, lay_out

COLUMNS = [Column("a", "Ann"), Column("b", "Ben")]


def test_an_appointment_spans_its_rows_and_the_rest_of_its_column_is_free() -> None:
    grid = lay_out(COLUMNS, [Item("a", 9 * 60, 9 * 60 + 50, "therapy")])

    assert [h.lanes for h in grid.columns] == [1, 1]
    assert grid.rows[0].label == "07:00"
    assert grid.rows[-1].label == "20:45"
    nine = next(r for r in grid.rows if r.label == "09:00")
    assert nine.cells == [Placed("therapy", 4, 0), Empty(1, 9 * 60)]  # 50 minutes: 4 rows
    nine_fifteen = next(r for r in grid.rows if r.label == "09:15")
    assert nine_fifteen.cells == [Empty(1, 9 * 60 + 15)]  # the block covers column a
    ten = next(r for r in grid.rows if r.label == "10:00")
    assert ten.cells == [Empty(0, 600), Empty(1, 600)]


def test_overlapping_appointments_sit_in_lanes_side_by_side() -> None:
    grid = lay_out(
        COLUMNS,
        [Item("a", 600, 660, "first"), Item("a", 630, 690, "second"), Item("a", 660, 700, "third")],
    )

    assert [h.lanes for h in grid.columns] == [2, 1]
    ten = next(r for r in grid.rows if r.label == "10:00")
    assert ten.cells == [Placed("first", 4, 0), Empty(0, 600), Empty(1, 600)]
    half = next(r for r in grid.rows if r.label == "10:30")
    assert half.cells == [Placed("second", 4, 0), Empty(1, 630)]
    eleven = next(r for r in grid.rows if r.label == "11:00")
    assert eleven.cells == [Placed("third", 3, 0), Empty(1, 660)]  # back in the first lane


def test_the_grid_widens_to_early_and_late_appointments_and_ignores_other_columns() -> None:
    grid = lay_out(
        COLUMNS,
        [Item("a", 6 * 60 + 10, 7 * 60, "early"), Item("b", 21 * 60, 22 * 60 + 5, "late")],
    )
    grid_other = lay_out(COLUMNS, [Item("z", 600, 660, "nobody's")])

    assert grid.rows[0].label == "06:00"
    assert grid.rows[-1].label == "22:00"
    assert grid.rows[0].cells == [Placed("early", 4, 0), Empty(1, 360)]
    assert all(isinstance(c, Empty) for r in grid_other.rows for c in r.cells)


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 1439), st.integers(1, 240)),
        max_size=12,
    )
)
def test_every_row_fills_every_lane_exactly_once(spans: list[tuple[str, int, int]]) -> None:
    items = [
        Item(col, start, min(start + length, 1440), n)
        for n, (col, start, length) in enumerate(spans)
    ]
    grid = lay_out(COLUMNS, items)

    width = sum(h.lanes for h in grid.columns)
    ends: list[int] = []  # the row index each block still covers up to (exclusive)
    placed = []
    for index, row in enumerate(grid.rows):
        ends = [end for end in ends if end > index]
        assert len(row.cells) + len(ends) == width
        for cell in row.cells:
            if isinstance(cell, Placed):
                placed.append(cell.payload)
                ends.append(index + cell.rows)
    assert sorted(placed) == list(range(len(items)))
