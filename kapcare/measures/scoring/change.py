"""Reliable change between two scores (Jacobson & Truax, 1991)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, TypeAlias

from kapcare.measures.scoring.engine import round_half_up
from kapcare.measures.scoring.spec import Number

# Jacobson & Truax (1991): change beyond 1.96 standard errors of the difference
# would arise by measurement error alone less than 5 % of the time.
RELIABLE_CHANGE_Z = 1.96


ChangeCategory: TypeAlias = Literal["recovered", "improved", "unchanged", "deteriorated"]


@dataclass(frozen=True)
class ChangeParameters:
    """What reliable change needs for one score, each value published with its source.

    ``clinical_cutoff`` is the first score of the clinical range (a case at or
    above it when ``higher_is_worse``, at or below it otherwise); without one an
    instrument can show reliable change but never "recovered".
    """

    sd: float
    reliability: float
    higher_is_worse: bool = True
    clinical_cutoff: float | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.sd) and self.sd > 0):
            raise ValueError("The standard deviation must be a positive number.")
        if not (math.isfinite(self.reliability) and 0 <= self.reliability < 1):
            raise ValueError("The reliability must be at least 0 and less than 1.")

    def in_clinical_range(self, value: Number) -> bool:
        if self.clinical_cutoff is None:
            return False
        if self.higher_is_worse:
            return value >= self.clinical_cutoff
        return value <= self.clinical_cutoff


@dataclass(frozen=True)
class ChangeResult:
    rci: float
    reliable: bool
    category: ChangeCategory


def reliable_change_index(pre: Number, post: Number, *, sd: float, reliability: float) -> float:
    """Jacobson & Truax (1991): ``(post - pre) / (SD·√2·√(1 - r))``, unrounded."""
    parameters = ChangeParameters(sd=sd, reliability=reliability)  # validates both
    standard_error_of_difference = parameters.sd * math.sqrt(2) * math.sqrt(1 - reliability)
    return (post - pre) / standard_error_of_difference


def classify_change(pre: Number, post: Number, parameters: ChangeParameters) -> ChangeResult:
    """Reliable and clinically significant change from ``pre`` to ``post``.

    - ``deteriorated``: \\|RCI\\| > 1.96 in the worse direction;
    - ``recovered``: \\|RCI\\| > 1.96 in the better direction, ``pre`` in the
      clinical range and ``post`` out of it (Jacobson & Truax's "recovered",
      with the instrument's published clinical cut-off as the criterion);
    - ``improved``: \\|RCI\\| > 1.96 in the better direction, not recovered;
    - ``unchanged``: \\|RCI\\| ≤ 1.96.

    The decision uses the unrounded RCI; ``rci`` is reported to 2 decimals.
    """
    rci = reliable_change_index(pre, post, sd=parameters.sd, reliability=parameters.reliability)
    reliable = abs(rci) > RELIABLE_CHANGE_Z
    better = (rci < 0) if parameters.higher_is_worse else (rci > 0)
    category: ChangeCategory
    if not reliable:
        category = "unchanged"
    elif not better:
        category = "deteriorated"
    elif parameters.in_clinical_range(pre) and not parameters.in_clinical_range(post):
        category = "recovered"
    else:
        category = "improved"
    return ChangeResult(rci=round_half_up(rci), reliable=reliable, category=category)
