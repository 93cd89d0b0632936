"""LongSelect writes the markup Django's own select writes, escaped the same way."""

import re

import pytest
from django import forms

from kapcare.core.long_select import LongSelect, PreparedChoices

CHOICES = [
    ("", "Anyone"),
    ("1", 'Dr <Ann> "A&B" O\'Neil'),
    ("Main street", [("2", "Room <2>"), ("3", "Room 3")]),
    ("4", "Four"),
]


def _same(html: str) -> str:
    # The stock templates put newlines and spaces between tags; a browser reads both alike.
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "1", "3", ["4"]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_staff", "required": True, "aria-describedby": "staff-help"}]
)
def test_the_markup_is_djangos(value: object, attrs: dict[str, object] | None) -> None:
    stock = forms.Select(choices=CHOICES).render("staff", value, attrs)
    ours = LongSelect(choices=CHOICES).render("staff", value, attrs)
    assert _same(ours) == _same(stock)


def test_labels_values_and_groups_are_escaped() -> None:
    html = LongSelect(choices=[('"><script>', [("<x>", "<b>bold</b>")])]).render("n", None)
    assert "<script>" not in html
    assert "<b>" not in html
    assert '<optgroup label="&quot;&gt;&lt;script&gt;">' in html
    assert '<option value="&lt;x&gt;">&lt;b&gt;bold&lt;/b&gt;</option>' in html


def test_only_the_first_matching_option_is_selected_as_in_djangos() -> None:
    twice = [("1", "One"), ("1", "One again")]
    stock = forms.Select(choices=twice).render("n", "1")
    ours = LongSelect(choices=twice).render("n", "1")
    assert _same(ours) == _same(stock)
    assert ours.count(" selected") == 1


@pytest.mark.parametrize("value", ["", "3", "9"])
def test_prepared_choices_render_and_validate_as_a_list_does(value: str) -> None:
    """Given the same choices as a list and prepared, when a field is built, rendered and
    validated with each, then both say and accept the same."""

    class Listed(forms.Form):
        staff = forms.ChoiceField(required=False, choices=CHOICES, widget=LongSelect)

    class Prepared(forms.Form):
        staff = forms.ChoiceField(
            required=False, choices=PreparedChoices(CHOICES), widget=LongSelect
        )

    listed, prepared = Listed({"staff": value}), Prepared({"staff": value})
    assert str(prepared["staff"]) == str(listed["staff"])
    assert prepared.is_valid() is listed.is_valid() is (value != "9")
    field = prepared.fields["staff"]
    assert isinstance(field, forms.ChoiceField)
    assert isinstance(field.choices, PreparedChoices)  # kept, not walked choice by choice
    assert list(field.choices) == CHOICES
