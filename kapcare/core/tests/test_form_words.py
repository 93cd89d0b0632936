"""Django's stock form errors read as the product's own, naming the field."""

import datetime as dt

import pytest
from django import forms


class _Example(forms.Form):
    name = forms.CharField(label="Legal first name", max_length=5)
    state = forms.ChoiceField(label="Home state", choices=[("PA", "Pennsylvania")])
    born = forms.DateField(label="Date of birth")
    at = forms.TimeField(label="Start time")
    count = forms.IntegerField(label="Sessions", min_value=1, max_value=9)
    voc = forms.IntegerField(label="VOC at end (1 to 7)", min_value=1, required=False)
    email = forms.EmailField(label="Email")
    agree = forms.BooleanField(label="This is a different person")
    own = forms.CharField(label="Reason", error_messages={"required": "Say why."})


def _errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = _Example(data)
    form.is_valid()
    return {name: [str(e) for e in form[name].errors] for name in form.errors}


def test_a_missing_value_names_the_field_and_what_to_do() -> None:
    assert _errors({}) == {
        "name": ["Enter the legal first name."],
        "state": ["Choose the home state."],
        "born": ["Enter the date of birth."],
        "at": ["Enter the start time."],
        "count": ["Enter the sessions."],
        "email": ["Enter the email."],
        "agree": ["Tick \u201cThis is a different person\u201d to go on."],
        "own": ["Say why."],  # a form's own message is kept
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "abcdefgh", "Keep the legal first name to 5 characters (it has 8)."),
        ("state", "ZZ", "Choose the home state from the list."),
        ("born", "31/31/1990", "Enter the date of birth as a date: day, month and year."),
        ("at", "noonish", "Enter the start time as a time, for example 3:30 pm."),
        ("count", "two", "Enter the sessions as a whole number."),
        ("count", "10", "The sessions can be at most 9."),
        ("count", "0", "The sessions must be at least 1."),
        # An abbreviation opening the label keeps its capitals
        ("voc", "0", "The VOC at end (1 to 7) must be at least 1."),
        ("email", "not-an-email", "Enter the email in the form name@example.org."),
    ],
)
def test_a_bad_value_is_explained_in_the_products_words(
    field: str, value: str, message: str
) -> None:
    assert _errors({field: value})[field] == [message]


def test_no_page_error_is_a_stock_django_message() -> None:
    form = _Example({"born": dt.date(2030, 1, 1).isoformat()})
    form.is_valid()

    rendered = str(form)

    assert "This field is required." not in rendered
    assert "Enter the legal first name." in rendered
