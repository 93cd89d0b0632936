"""Secret keys read from the environment, one helper for all of them.

In production a key must be set (``ImproperlyConfigured`` otherwise): a key
generated on the server would be lost with it, and whatever it protects with it.
In development and tests a random key is generated once and kept in a file
under ``var/`` (mode 0600), so ``make run`` needs no setup and a restart keeps
what was sealed or chained with it readable.

A key in the environment is 32 or more random bytes written as URL-safe base64
or hex, e.g. ``python -c 'import secrets; print(secrets.token_urlsafe(32))'``.
"""

import base64
import binascii
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_BYTES = 32


def decode_key(name: str, text: str) -> bytes:
    """The bytes of a key written as hex or URL-safe base64 (padding optional)."""
    text = text.strip()
    key: bytes | None = None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        try:
            key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{name} must be at least {MIN_KEY_BYTES} random bytes written as hex or "
            "URL-safe base64, e.g. from: python -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'"
        )
    return key


def _development_key(name: str) -> bytes:
    path = Path(settings.VAR_DIR) / "keys" / f"{name.lower()}.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(MIN_KEY_BYTES))
    return decode_key(f"{name} (in {path})", path.read_text())


def key_from_environment(name: str) -> bytes:
    """The key named ``name``: from the environment, or (development only) from var/."""
    text = os.environ.get(name, "")
    if text.strip():
        return decode_key(name, text)
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            f"{name} is not set. In production KAP Care needs it: at least "
            f"{MIN_KEY_BYTES} random bytes as hex or URL-safe base64, kept safe and "
            "backed up apart from the database (without it, what it protects cannot be read "
            "or checked)."
        )
    return _development_key(name)
