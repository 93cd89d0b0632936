"""The client search over a queryset: names, a date of birth, a phone number, an e-mail.

The page (``/``) and the API (``GET /api/v1/clients?q=``) both call ``search_clients`` on
the clients the person may see (``people.access.visible_clients``), so the search never
widens what a role reaches; the callers audit what they list. Indexes: trigrams over the
names (migration 0003), the e-mail and the phone's digits (0005) on PostgreSQL, and the
practice with the date of birth.
"""

from django.db.models import Q, QuerySet

from kapcare.people.models import Client
from kapcare.people.search_terms import parse_search

__all__ = ["search_clients"]


def search_clients(clients: QuerySet[Client], text: str) -> QuerySet[Client]:
    terms = parse_search(text)
    if terms.impossible:
        return clients.none()
    if terms.phone_digits is not None:
        return clients.filter(phone_digits__contains=terms.phone_digits)
    for word in terms.names:
        clients = clients.filter(
            Q(legal_given_name__icontains=word)
            | Q(legal_family_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    if terms.date_of_birth is not None:
        clients = clients.filter(date_of_birth=terms.date_of_birth)
    if terms.email is not None:
        clients = clients.filter(email__icontains=terms.email)
    return clients
