"""The audit chain's key: ``KAPCARE_AUDIT_KEY`` (required in production).

Development and the demo generate one under ``var/keys/``. Kept in memory once
read; ``forget_key`` is for tests and commands that were given another key.
"""

from functools import cache

from kapcare.core.keys import key_from_environment

AUDIT_KEY = "KAPCARE_AUDIT_KEY"


@cache
def audit_key() -> bytes:
    return key_from_environment(AUDIT_KEY)


def forget_key() -> None:
    audit_key.cache_clear()
