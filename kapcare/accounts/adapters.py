"""How django-allauth fits KAP Care: nobody signs up, and authenticator secrets are sealed.

``AccountAdapter`` closes sign-up (the practice creates staff accounts).
``SealingMFAAdapter`` seals authenticator secrets (TOTP keys, the recovery-code seed) with
AES-256-GCM under ``KAPCARE_MFA_KEY`` before allauth stores them. The adapter in use,
``people.second_factor.MFAAdapter``, adds who may remove their last factor (a question
of roles, which live in people).
"""

import base64
import os
from functools import cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.http import HttpRequest

from kapcare.core.keys import key_from_environment

MFA_KEY = "KAPCARE_MFA_KEY"
_SEALED = "sealed:v1:"
_NONCE_BYTES = 12


@cache
def _cipher() -> AESGCM:
    return AESGCM(key_from_environment(MFA_KEY)[:32])


def seal(text: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = nonce + _cipher().encrypt(nonce, text.encode(), MFA_KEY.encode())
    return _SEALED + base64.urlsafe_b64encode(sealed).decode()


def unseal(text: str) -> str:
    if not text.startswith(_SEALED):
        return text  # stored before sealing was turned on
    raw = base64.urlsafe_b64decode(text.removeprefix(_SEALED))
    nonce, body = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    return _cipher().decrypt(nonce, body, MFA_KEY.encode()).decode()


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


class SealingMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)

    def get_totp_issuer(self) -> str:
        return "KAP Care"
