"""An audit event as a sentence a privacy officer reads ("Opened the client's medical
record, on the chart page"), never as the codes it is stored with.

Pure: the stored ``action``, ``category`` and ``detail`` in, words out. The API and
``verify_audit`` keep the codes; only the page reads them out.
"""

__all__ = ["describe_event"]

_VERBS = {
    "create": "Added",
    "read": "Opened",
    "update": "Changed",
    "delete": "Deleted",
    "print": "Printed",
    "export": "Exported",
    "login": "Signed in",
    "logout": "Signed out",
    "denied": "Was refused",
    "emergency": "Opened in an emergency",
}
_CATEGORIES = {
    "demographics": "details",
    "schedule": "schedule",
    "clinical": "clinical record",
    "medical": "medical record",
    "medicine_session": "medicine-session record",
    "safety": "safety flags",
    "psychotherapy_notes": "psychotherapy notes",
    "emergency_access": "emergency access",
}
# The first part of a stored detail says where it happened.
_PLACES = {
    "page": "on the {} page",
    "api": "through the API ({})",
    "chart": "on the chart's {} panel",
    "home": "on the home page ({})",
    "admin": "in the administration pages ({})",
    "fhir": "through the FHIR interface ({})",
    "import": "in a client import ({})",
    "export": "in an export ({})",
}


def _spaced(code: str) -> str:
    return code.replace("_", " ").replace("-", " ").strip()


def _detail_words(detail: str) -> str:
    if not detail:
        return ""
    if " " in detail:  # already written as words (a failed sign-in, a reason)
        return detail
    parts = [p for p in detail.split(":") if p]
    if parts and parts[0] in _VERBS:  # "read:api:get_client": the action says it already
        parts = parts[1:]
    if not parts:
        return ""
    head, rest = parts[0], ", ".join(_spaced(p) for p in parts[1:])
    if head in _PLACES and rest:
        return _PLACES[head].format(rest)
    return ", ".join(_spaced(p) for p in parts)


def describe_event(*, action: str, category: str, detail: str, about_client: bool) -> str:
    """``Opened the client's medical record, on the chart page``."""
    verb = _VERBS.get(action, _spaced(action).capitalize())
    if action in {"login", "logout"} or not category:
        sentence = verb
    elif category == "audit":
        sentence = f"{verb}: the audit log"
    else:
        what = _CATEGORIES.get(category, _spaced(category))
        whose = "the client's" if about_client else "the"
        sentence = f"{verb}: {whose} {what}"
    words = _detail_words(detail)
    return f"{sentence}, {words}" if words else sentence
