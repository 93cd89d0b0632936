"""What a person reads on a page must not be the software's own vocabulary.

``assert_plain_words(html)`` takes the text a reader sees (tags, attributes, scripts and
styles left out) and refuses rule codes (``dose.checklist_incomplete``), settings keys and
other snake_case names (``wall_clock``), file names (``CLINICAL.md``), time-zone
identifiers (``America/New_York``) and permission strings
(``medicine:32:sign:medical_provider``). Codes stay in the API's JSON (issue 9).

The permission-matrix walk (``tests/test_permission_matrix.py``) runs it on every page it
opens; ``tests/test_page_words.py`` on the pages that show refusals.
"""

import re
from html.parser import HTMLParser

__all__ = ["JARGON", "assert_plain_words", "jargon_in", "visible_text"]

JARGON: dict[str, re.Pattern[str]] = {
    # a rule code, or any dotted snake_case name: dose.exceeds_order, plan.paused
    "rule code": re.compile(
        r"\b(?:addendum|appointment|clearance|conflict|contraindication|discharge|dose|"
        r"intensive|medicine|note|observation|ongoing|plan|predose_ack|record|safety|sign|"
        r"staff|telehealth|vitals|questionnaire|scoring|pathway)\.[a-z][a-z_]*\b"
        r"|\b[a-z]+(?:_[a-z]+)*\.[a-z]+_[a-z_]+\b"
    ),
    # a settings key or an enum value: wall_clock, medicine_spacing_days, no_show
    # (not an e-mail address: front_desk@example.org is how a person is reached)
    "snake_case name": re.compile(r"(?<![\w@.+-])[a-z]+_[a-z_]+\b(?![\w.+-]*@)"),
    "file name": re.compile(r"\b[\w-]+\.(?:md|py|html|json|txt|yaml|yml|toml|cfg|ini)\b"),
    "time-zone identifier": re.compile(
        r"\b(?:America|Europe|Pacific|Asia|Africa|Australia|Atlantic|Indian|Etc)/[A-Za-z_]+"
    ),
    "permission string": re.compile(r"\b[a-z_]+:\d+:[a-z_]+\b"),
    "setting name": re.compile(r"\bKAPCARE_[A-Z_]+\b|\b[A-Z]+_[A-Z_]+\b"),
}


class _Text(HTMLParser):
    """The character data outside <script>, <style> and <template>, and outside <code>:
    what a person must type exactly (a file's column names, a command) is written as code
    on purpose."""

    HIDDEN = frozenset({"script", "style", "template", "code", "kbd", "samp"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def jargon_in(html: str) -> list[str]:
    """Every piece of the software's vocabulary a reader would see, named by its kind."""
    text = visible_text(html)
    return [f"{kind}: {m.group(0)!r}" for kind, rx in JARGON.items() for m in rx.finditer(text)]


def assert_plain_words(html: str, label: str = "page") -> None:
    found = jargon_in(html)
    assert not found, f"{label} shows the software's own words: {found}"
