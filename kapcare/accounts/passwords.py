"""A password rule Django does not ship: enough different characters.

Django's validators already refuse passwords under 12 characters and the 20,000
most common ones. Long passwords built from one or two repeated characters
(``aaaaaaaaaaaa``, ``abababababab``) are among the first a guesser tries, so
they are refused too.
"""

from typing import Any

from django.core.exceptions import ValidationError

MIN_DISTINCT_CHARACTERS = 5


class VarietyValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                "This password repeats too few characters: use at least "
                f"{MIN_DISTINCT_CHARACTERS} different ones.",
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return f"Your password must use at least {MIN_DISTINCT_CHARACTERS} different characters."
