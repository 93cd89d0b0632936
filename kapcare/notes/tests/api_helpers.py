"""Sending JSON to the API from the Django test client."""

import json
from typing import Any

from django.test import Client as HttpClient


def send(http: HttpClient, method: str, url: str, body: object | None = None) -> Any:
    return http.generic(
        method, url, json.dumps(body if body is not None else {}), "application/json"
    )
