"""LongSelect writes the markup Django's own select writes, escaped the same way."""

import re

import pytest
from django import forms

from kapcare.core.long_select import LongSelect

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
