"""How a page shows a service's refusal of one field on the form that sent it."""

from django import forms

from kapcare.core.errors import FieldError


def add_field_error(form: forms.BaseForm, error: FieldError) -> None:
    """Put ``error`` on its field, or above the form when the form has no such field."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
