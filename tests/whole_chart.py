"""The chart as a reader with script sees it: the page with its parts' panels in place.

The chart page (``/clients/<id>/``) holds the client's head, care team and safety flags;
its other panels come in parts (``people.views.CHART_PARTS``), each its own request, which
``kapcare/chart-parts.js`` fetches with the part header and puts in its place. Tests that
read a panel ask for the whole chart the same way.
"""

import re
from typing import Any

from django.test import Client as HttpClient

from kapcare.people.views import PART_HEADER

__all__ = ["PART_PLACE", "whole_chart"]

# A part's place on the chart page: the section the script replaces.
PART_PLACE = re.compile(r'<section [^>]*data-chart-part="(?P<url>[^"]+)"[^>]*>.*?</section>', re.S)


def whole_chart(http: HttpClient, client_id: int, **extra: Any) -> Any:
    """The chart page's response with each part's panels in place of its section; a
    refusal or a redirect is answered as the chart page answers it. A part that does not
    answer 200 fails the test: a reader with script would see "Could not load"."""
    response = http.get(f"/clients/{client_id}/", **extra)
    if response.status_code != 200:
        return response
    html = response.content.decode()

    def part(match: re.Match[str]) -> str:
        answer = http.get(match["url"], headers={PART_HEADER: "1"}, **extra)
        assert answer.status_code == 200, (match["url"], answer.status_code)
        return str(answer.content.decode())

    response.content = PART_PLACE.sub(part, html).encode()
    return response
