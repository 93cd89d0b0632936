"""Accounts: personal API tokens, issued as the token service issues them."""

from typing import Any

import factory

from kapcare.accounts.models import ApiToken
from kapcare.accounts.tokens import issue_token
from tests.factories.people import UserFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """Only the digest is stored; the secret is not kept (``issue_token`` prints it)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "test token"

    @classmethod
    def _create(cls, model_class: type[ApiToken], *args: Any, **kwargs: Any) -> ApiToken:
        return issue_token(user=kwargs["user"], name=kwargs.get("name", "")).token
