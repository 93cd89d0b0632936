"""A select for the lists a practice makes long: its staff, its rooms."""

from collections.abc import Iterator, Sequence
from html import escape
from typing import Any

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe

__all__ = ["LongSelect", "PreparedChoices"]


class PreparedChoices(BaseChoiceIterator):
    """Choices already in the shape ``normalize_choices`` gives ((value, label) or (group,
    [(value, label), ...])). A choice field keeps an iterator as it is given, where it
    walks a list choice by choice each time a form is built (for the ~650 staff and as
    many rooms of a 100,000-client practice, a third of the calendar's Python time)."""

    def __init__(self, choices: Sequence[Any]) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator[Any]:
        return iter(self.choices)


class LongSelect(forms.Select):
    """Django's select, its markup written in Python. The stock template renders each
    option through two includes, and ``optgroups`` builds a dict (with a copy of the
    attributes) per option first: for the ~1,700 staff of a 100,000-client practice that
    took longer than the rest of the calendar page. Here each choice is read once."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # The widget's own context without its optgroups: its attributes and its values.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        values: list[str] = widget["value"]
        has_selected = False
        # Every name, value and label escaped here, as the templates' autoescape does.
        parts = [f'<select name="{escape(str(widget["name"]))}"{_attributes(widget["attrs"])}>']
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group = "" if option_value is None else option_value
                options = option_label
            else:
                group = None
                options = [("" if option_value is None else option_value, option_label)]
            if group:
                parts.append(f'<optgroup label="{escape(str(group))}">')
            for sub_value, sub_label in options:
                text = str(sub_value)
                # As ChoiceWidget.optgroups: only the first match is selected.
                selected = (not has_selected or self.allow_multiple_selected) and text in values
                has_selected |= selected
                parts.append(
                    f'<option value="{escape(text)}"{" selected" if selected else ""}>'
                    f"{escape(str(sub_label))}</option>"
                )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 -- escaped above


def _attributes(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html writes them: in order, False left out, True bare."""
    return "".join(
        f" {escape(str(name))}" if value is True else f' {escape(str(name))}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )
