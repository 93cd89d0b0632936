"""Every model of KAP Care has a factory in ``tests.factories``, and each builds a row the
database accepts (its check constraints included)."""

import factory
import pytest
from django.apps import apps
from django.db import models

import tests.factories as factories

FACTORIES: dict[type[models.Model], type[factory.django.DjangoModelFactory]] = {  # type: ignore[type-arg]
    f._meta.model: f
    for name in factories.__all__
    if name.endswith("Factory")
    for f in [getattr(factories, name)]
}
MODELS = sorted(
    (m for m in apps.get_models() if m.__module__.startswith("kapcare.")),
    key=lambda m: m._meta.label,
)


def test_every_model_has_a_factory() -> None:
    missing = [m._meta.label for m in MODELS if m not in FACTORIES]
    assert missing == [], (
        "Add a factory for each of these models to tests/factories/<app>.py and list it "
        f"in tests/factories/__init__.py: {missing}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_factory_builds_a_row_the_database_accepts(model: type[models.Model]) -> None:
    row = FACTORIES[model].create()
    assert type(row) is model
    assert model._default_manager.filter(pk=row.pk).exists()
