"""The pages' side of the input rules: every form refuses what the API refuses.

Findings 3 and 5 of issue 12 hold for pages as for the API: a text field holding a
control character, or a date outside 1900-2100, is an error on that field. The rules are
:mod:`kapcare.core.inputs`; every form in KAP Care mixes in :class:`InputRules`
(``tests/test_input_types.py`` fails on one that does not).
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from kapcare.core.inputs import check_day, check_text

__all__ = ["InputRules"]


def validate_input(value: object) -> None:
    """Refuse a cleaned value that breaks the input rules: text, dates, lists of them.

    It looks at what a field cleaned to, not at the field's class: a field that turns
    typed text into a time (the medicine console's) is checked as a time.
    """
    try:
        if isinstance(value, str):
            check_text(value)
        elif isinstance(value, dt.date):
            check_day(value)
        elif isinstance(value, list | tuple):
            for item in value:
                validate_input(item)
    except ValueError as refused:
        raise ValidationError(str(refused), code="input_rules") from None


def _add_rules(field: forms.Field) -> None:
    if validate_input not in field.validators:
        # Django's own NUL check says less than ours; one message per field, not two.
        field.validators[:] = [
            validate_input,
            *(v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)),
        ]


class InputRules:
    """Mix in first: ``class PlanForm(InputRules, forms.Form)``.

    The rules are added when the form is cleaned, so fields a form adds in its own
    ``__init__`` get them too.
    """

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        for field in self.fields.values():
            _add_rules(field)
        super().full_clean()  # type: ignore[misc]
