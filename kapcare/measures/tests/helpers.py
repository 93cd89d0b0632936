"""Building answer lists for tests."""

from collections.abc import Sequence

from kapcare.measures.scoring import Answer, ItemSpec


def spread(total: int, n_items: int, high: int, *, low: int = 0) -> list[int]:
    """``n_items`` answers on ``low``-``high`` summing to ``total``, filled from the first item."""
    if not low * n_items <= total <= high * n_items:
        raise ValueError(f"{total} cannot be reached with {n_items} items of {low}-{high}.")
    answers = [low] * n_items
    remaining = total - low * n_items
    for index in range(n_items):
        step = min(high - low, remaining)
        answers[index] += step
        remaining -= step
    return answers


def lowest(items: Sequence[ItemSpec], reverse: frozenset[str] = frozenset()) -> list[Answer]:
    """The answers that give every score its minimum (a reversed item's highest answer)."""
    answers: list[Answer] = []
    for item in items:
        if item.conditional:
            answers.append(None)
        elif not item.numeric:
            answers.append(False)
        else:
            answers.append(item.high if item.link_id in reverse else item.low)
    return answers


def highest(items: Sequence[ItemSpec], reverse: frozenset[str] = frozenset()) -> list[Answer]:
    answers: list[Answer] = []
    for item in items:
        if not item.numeric:
            answers.append(True)
        else:
            answers.append(item.low if item.link_id in reverse else item.high)
    return answers
