"""Secrets never reach a log: tokens, passwords, keys and the secret parts of URLs.

Some addresses carry a secret themselves: a questionnaire completion link
(``/complete/<token>/``), a calendar feed (``/feeds/calendar/<secret>.ics``) and a
password-reset link (``/accounts/password/reset/key/<key>/``). Anyone who reads a log
line holding one can open the link. API tokens (``kapc_...``), an ``Authorization``
header, and ``password=``, ``token=``, ``secret=``, ``key=`` pairs are masked too, in
case a message or a traceback quotes them.

Two places write request lines: Django's loggers (``django.request``, ``django.server``
and every other, through :class:`MaskSecretsFilter` on the handlers in settings) and
gunicorn's access log (:class:`MaskedAccessLogger`, named in ``gunicorn.conf.py``).
"""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger  # type: ignore[import-untyped]

__all__ = ["MASK", "MaskSecretsFilter", "MaskedAccessLogger", "mask_secrets"]

MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Secrets in paths: keep the path's shape, so the log still says which page it was.
    (re.compile(r"(/complete/)(?!done/|form/)[^/\s?\"']+"), rf"\g<1>{MASK}"),
    (re.compile(r"(/feeds/calendar/)[^/\s?\"']+?(\.ics)"), rf"\g<1>{MASK}\g<2>"),
    (re.compile(r"(/password/reset/key/)[^/\s?\"']+"), rf"\g<1>{MASK}"),
    # API tokens wherever they appear, and the header that carries them.
    (re.compile(r"kapc_[A-Za-z0-9_\-]+"), f"kapc_{MASK}"),
    (re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?\w+\s+)[^\s\"',}]+"), rf"\g<1>{MASK}"),
    # name=value and "name": "value" pairs whose name says secret.
    (
        re.compile(
            r"(?i)(\b[\w-]*(?:password|passwd|secret|token|api_?key|key)[\w-]*"
            r"[\"']?\s*(?:=|:)\s*[\"']?)[^&\s\"',}]+"
        ),
        rf"\g<1>{MASK}",
    ),
)


def mask_secrets(text: str) -> str:
    """``text`` with every secret it holds replaced by ``***``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskSecretsFilter(logging.Filter):
    """Rewrites a record's message (and its traceback text) with secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_secrets(record.exc_text)
        return True


class MaskedAccessLogger(GunicornLogger):  # type: ignore[misc]
    """gunicorn's logger, with the request line, path and query masked."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "q", "f", "{authorization}i", "{referer}i"):
            if isinstance(atoms.get(name), str):
                atoms[name] = mask_secrets(atoms[name])
        return atoms
