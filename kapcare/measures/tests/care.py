"""Shared set-up for the measures-in-care tests."""

import json
from typing import Any

from django.test import Client as HttpClient

PHQ9_FLAGGED = [1, 1, 2, 1, 0, 1, 1, 0, 2]  # total 9, mild, item 9 = 2
PHQ9_CLEAR = [0, 1, 0, 1, 0, 0, 1, 0, 0]  # total 3, minimal
ASQ_ACUTE = [True, False, False, False, True]
ASQ_NEGATIVE = [False, False, False, False, None]
GAD7 = [0, 1, 2, 3, 0, 1, 2]  # total 9, mild
DES_HIGH = [40] * 28  # mean 40: high dissociation
DES_LOW = [10] * 28


def post_json(http: HttpClient, path: str, body: object) -> Any:
    return http.post(path, json.dumps(body), content_type="application/json")


def form_answers(answers: list[Any]) -> dict[str, str]:
    """A questionnaire form's POST data for ``answers`` (None: left blank)."""
    data = {}
    for index, value in enumerate(answers):
        if value is None:
            continue
        data[f"q{index}"] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return data
