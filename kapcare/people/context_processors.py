from django.http import HttpRequest

from kapcare.people.access import actor_for_request


def actor(request: HttpRequest) -> dict[str, object]:
    return {"actor": actor_for_request(request)}
