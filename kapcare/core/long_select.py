"""A select for the lists a practice makes long: its staff, its rooms."""

from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["LongSelect"]


class LongSelect(forms.Select):
    """Django's select, its markup written in Python. The stock template renders each
    option through two includes: for the ~1,700 staff of a 100,000-client practice that
    took longer than the rest of the calendar page."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        # Every name, value and label escaped here.
        parts = [f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'<optgroup label="{escape(group)}">')
            for option in options:
                extra = _attributes(option["attrs"]) if option["attrs"] else ""
                parts.append(
                    f'<option value="{escape(option["value"])}"{extra}>'
                    f"{escape(option['label'])}</option>"
                )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("\n".join(parts))  # noqa: S308 -- escaped above


def _attributes(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html writes them: in order, False left out, True bare."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )
