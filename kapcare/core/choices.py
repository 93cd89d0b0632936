"""Django choices from a vocabulary's labels (the vocabularies themselves are pure enums)."""

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

__all__ = ["choices", "values"]

E = TypeVar("E", bound=StrEnum)


def choices(labels: Mapping[E, str]) -> list[tuple[str, str]]:
    """``[(value, label), ...]`` in the labels' order, for a model or form field."""
    return [(member.value, label) for member, label in labels.items()]


def values(enum: type[StrEnum]) -> list[str]:
    """Every value of ``enum``, for a ``CheckConstraint``."""
    return [member.value for member in enum]
