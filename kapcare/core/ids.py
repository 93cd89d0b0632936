"""What a record id can be, before it is sent to the database."""

__all__ = ["MAX_ID", "is_record_id"]

MAX_ID = 2**63 - 1  # ids beyond a bigint cannot exist; do not send them to the database


def is_record_id(value: int) -> bool:
    """Whether ``value`` can be the id of a row (a positive bigint)."""
    return 0 < value <= MAX_ID
