"""Free text a person typed, as services store it."""

from kapcare.core.errors import FieldError

__all__ = ["MAX_TEXT", "clean_text"]

MAX_TEXT = 5000


def clean_text(value: str, field_name: str, *, limit: int = MAX_TEXT) -> str:
    """``value`` without surrounding blanks, or a field error when it is over ``limit``."""
    value = value.strip()
    if len(value) > limit:
        raise FieldError(field_name, f"Keep this to {limit} characters.")
    return value
