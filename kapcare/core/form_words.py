"""The product's own words for Django's stock form errors, naming the field.

"This field is required." says neither which field nor what to do. Every form renders
through :class:`FormRenderer` (``settings.FORM_RENDERER``), whose bound fields read a stock
message out as the product's own ("Choose the home state.", "Enter the date of birth as a
date."). A message a form wrote itself is kept: only Django's own texts are replaced.
"""

import inspect
from collections.abc import Callable
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList

__all__ = ["FormRenderer", "PlainBoundField", "own_message"]


def _stock_messages() -> frozenset[str]:
    """Every message Django's form fields and validators come with."""
    found: set[str] = set()
    for _, cls in inspect.getmembers(forms.fields, inspect.isclass):
        for base in inspect.getmro(cls):
            found.update(str(m) for m in getattr(base, "default_error_messages", {}).values())
    for _, cls in inspect.getmembers(validators, inspect.isclass):
        message = getattr(cls, "message", None)
        if message is not None:
            found.add(str(message))
    found.update(str(m) for m in forms.ModelChoiceField.default_error_messages.values())
    found.update(str(m) for m in forms.ModelMultipleChoiceField.default_error_messages.values())
    return frozenset(found)


HIDDEN_FIELD_MESSAGE = (
    "This page was opened with a value it cannot use. Open it again from its link."
)
_STOCK = _stock_messages()
_OPEN, _CLOSE = "\N{LEFT DOUBLE QUOTATION MARK}", "\N{RIGHT DOUBLE QUOTATION MARK}"
_CHOOSE = (forms.ChoiceField, forms.ModelChoiceField, forms.MultipleChoiceField)


def _invalid(field: forms.Field, the: str) -> str:
    if isinstance(field, forms.DateTimeField):
        return f"Enter {the} as a date and a time."
    if isinstance(field, forms.DateField):
        return f"Enter {the} as a date: day, month and year."
    if isinstance(field, forms.TimeField):
        return f"Enter {the} as a time, for example 3:30 pm."
    if isinstance(field, forms.IntegerField) and not isinstance(
        field, (forms.DecimalField, forms.FloatField)
    ):
        return f"Enter {the} as a whole number."
    if isinstance(field, (forms.DecimalField, forms.FloatField)):
        return f"Enter {the} as a number."
    if isinstance(field, forms.EmailField):
        return f"Enter {the} in the form name@example.org."
    return f"Check {the}: it is not written in a way that can be read."


def _required(field: forms.Field, the: str, label: str) -> str:
    if isinstance(field, forms.BooleanField):
        return f"Tick {_OPEN}{label}{_CLOSE} to go on."
    if isinstance(field, _CHOOSE):
        return f"Choose {the}."
    if isinstance(field, forms.FileField):
        return f"Choose a file for {the}."
    return f"Enter {the}."


_BY_CODE: dict[str, Callable[[forms.Field, str, str, dict[str, Any]], str]] = {
    "required": lambda f, the, The, p: _required(f, the, p["label"]),
    "invalid_choice": lambda f, the, The, p: f"Choose {the} from the list.",
    "invalid_list": lambda f, the, The, p: f"Choose {the} from the list.",
    "invalid_pk_value": lambda f, the, The, p: f"Choose {the} from the list.",
    "invalid": lambda f, the, The, p: _invalid(f, the),
    "invalid_date": lambda f, the, The, p: _invalid(f, the),
    "invalid_time": lambda f, the, The, p: _invalid(f, the),
    "max_length": lambda f, the, The, p: (
        f"Keep {the} to {p.get('limit_value')} characters (it has {p.get('show_value')})."
    ),
    "min_length": lambda f, the, The, p: f"{The} needs at least {p.get('limit_value')} characters.",
    "max_value": lambda f, the, The, p: f"{The} can be at most {p.get('limit_value')}.",
    "min_value": lambda f, the, The, p: f"{The} must be at least {p.get('limit_value')}.",
}


def _in_a_sentence(label: str) -> str:
    """The label as it reads after "the": its first letter lowered, unless its first word
    is an abbreviation ("VOC at end", "NPI"), which keeps its capitals."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def own_message(bound: "forms.BoundField", error: ValidationError) -> str:
    """``error`` on ``bound`` in the product's words (a form's own message is kept)."""
    text = error.message % error.params if error.params else error.message
    if str(error.message) not in _STOCK or error.code not in _BY_CODE:
        return str(text)
    if bound.is_hidden:  # nothing the person typed: the page's own address or form
        return HIDDEN_FIELD_MESSAGE
    label = str(bound.label or "").strip().rstrip(":")
    the = f"the {_in_a_sentence(label)}" if label else "this"
    The = the[:1].upper() + the[1:]
    params = {"label": label, **(error.params or {})}
    return _BY_CODE[str(error.code)](bound.field, the, The, params)


class PlainBoundField(forms.BoundField):
    """A bound field whose stock errors read as the product's own."""

    @property
    def errors(self) -> ErrorList:
        errors = super().errors
        if not errors:
            return errors
        return ErrorList(
            [own_message(self, e) for e in errors.as_data()],
            error_class=errors.error_class.replace("errorlist", "").strip() or None,
            renderer=errors.renderer,
        )


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with :class:`PlainBoundField` for every form."""

    bound_field_class = PlainBoundField
