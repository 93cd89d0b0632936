"""Sealing psychotherapy notes: AES-256-GCM under KAPCARE_NOTES_KEY (45 CFR 164.501).

The key comes from the environment (``kapcare.core.keys``: required in production,
generated under var/ for development and the demo). The AES key is derived from it with
HKDF-SHA256, so the environment's key is never used raw; each ciphertext carries the
derived key's id, so after a rotation (``manage.py rotate_notes_key``) notes sealed under
a previous key (listed in ``KAPCARE_NOTES_PREVIOUS_KEYS``, comma-separated) still open
until they are re-encrypted. The associated data binds a ciphertext to its client and
author: copied onto another row it does not open.
"""

import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kapcare.core.keys import decode_key, key_from_environment

__all__ = ["KEY_ENV", "PREVIOUS_KEYS_ENV", "KeyRing", "Sealed", "UnreadableNote"]

KEY_ENV = "KAPCARE_NOTES_KEY"
PREVIOUS_KEYS_ENV = "KAPCARE_NOTES_PREVIOUS_KEYS"
NONCE_BYTES = 12
_INFO = b"kapcare psychotherapy notes v1"


class UnreadableNote(Exception):
    """No key in the ring opens this ciphertext (wrong key, or tampered with)."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    nonce: bytes
    ciphertext: bytes


def _aes_key(secret: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret)


def _key_id(aes_key: bytes) -> str:
    return hashlib.sha256(b"key-id:" + aes_key).hexdigest()[:16]


def associated_data(client_id: int, author_id: int) -> bytes:
    return f"kapcare:psychotherapy-note:client:{client_id}:author:{author_id}".encode()


@dataclass(frozen=True)
class KeyRing:
    """The current key (sealing) and the previous ones (opening only), by key id."""

    current_id: str
    keys: dict[str, bytes]

    @staticmethod
    def of(current: bytes, previous: list[bytes] | None = None) -> "KeyRing":
        keys = {}
        for secret in [*(previous or []), current]:
            aes = _aes_key(secret)
            keys[_key_id(aes)] = aes
        return KeyRing(current_id=_key_id(_aes_key(current)), keys=keys)

    @staticmethod
    def from_environment() -> "KeyRing":
        previous = [
            decode_key(PREVIOUS_KEYS_ENV, text)
            for text in os.environ.get(PREVIOUS_KEYS_ENV, "").split(",")
            if text.strip()
        ]
        return KeyRing.of(key_from_environment(KEY_ENV), previous)

    def seal(self, text: str, *, client_id: int, author_id: int) -> Sealed:
        nonce = os.urandom(NONCE_BYTES)
        cipher = AESGCM(self.keys[self.current_id])
        data = cipher.encrypt(nonce, text.encode(), associated_data(client_id, author_id))
        return Sealed(key_id=self.current_id, nonce=nonce, ciphertext=data)

    def open(self, sealed: Sealed, *, client_id: int, author_id: int) -> str:
        key = self.keys.get(sealed.key_id)
        if key is None:
            raise UnreadableNote(f"No key with id {sealed.key_id} is configured.")
        try:
            plain = AESGCM(key).decrypt(
                sealed.nonce, sealed.ciphertext, associated_data(client_id, author_id)
            )
        except InvalidTag:
            raise UnreadableNote("The note does not open with its key.") from None
        return plain.decode()
