"""Every text, date and moment an API caller sends goes through the shared field types.

Findings 3 and 5 of issue 12: a NUL byte in any text field was a 500 on PostgreSQL, and
a year 9999 in a query was a 500 on overflow. The rules are in ``kapcare.core.inputs``
and reach the API through ``kapcare.core.api_fields`` (``Text``, ``Day``, ``Instant``);
this walk over every operation of both APIs (body, query and path, nested schemas
included) fails on any field that takes a bare ``str``, ``date`` or ``datetime``, so a
new endpoint cannot forget them.
"""

import datetime as dt
import enum
import importlib
import pkgutil
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from ninja import NinjaAPI
from pydantic import AfterValidator, AwareDatetime, BaseModel, NaiveDatetime

import kapcare
from kapcare.api import api
from kapcare.core.api_fields import INPUT_VALIDATORS
from kapcare.core.form_inputs import InputRules
from kapcare.interop.api.base import fhir_api

# Annotations that need a shared validator, and pydantic's aliases for them.
_GUARDED = (str, dt.date, dt.datetime, AwareDatetime, NaiveDatetime)


def _validated(metadata: tuple[Any, ...]) -> bool:
    return any(
        isinstance(item, AfterValidator) and item.func in INPUT_VALIDATORS for item in metadata
    )


def _bare(annotation: Any, metadata: tuple[Any, ...], where: str, seen: set[type]) -> Iterator[str]:
    """The places under ``annotation`` that take text or a date without a shared type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        yield from _bare(inner, (*metadata, *more), where, seen)
    elif origin is typing.Literal:
        return
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _bare(arg, metadata, where, seen)
    elif origin is not None:  # list[...], dict[...], tuple[...]
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                yield from _bare(arg, (), where, seen)
    elif annotation in _GUARDED:
        if not _validated(metadata):
            yield f"{where}: {getattr(annotation, '__name__', annotation)}"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for name, field in annotation.model_fields.items():
            yield from _bare(field.annotation, tuple(field.metadata), f"{where}.{name}", seen)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return


def _operations(ninja_api: NinjaAPI) -> Iterator[tuple[str, Any]]:
    # A router added inside another is bound to the API when its URLs are first built:
    # build them, or the walk misses those operations when this test runs on its own.
    ninja_api.urls  # noqa: B018
    for _prefix, router in ninja_api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{'/'.join(operation.methods)} {path}", operation


def _unguarded(ninja_api: NinjaAPI) -> list[str]:
    found: list[str] = []
    for label, operation in _operations(ninja_api):
        for model in operation.models:
            found += _bare(model, (), f"{label} {model.__name__}", set())
    return found


@pytest.mark.parametrize("ninja_api", [api, fhir_api], ids=["api", "fhir"])
def test_every_text_and_date_input_uses_a_shared_field_type(ninja_api: NinjaAPI) -> None:
    assert _unguarded(ninja_api) == []


def test_the_walk_finds_a_bare_string_nested_in_a_list_of_schemas() -> None:
    class Inner(BaseModel):
        note: str | None

    class Outer(BaseModel):
        items: list[Inner]

    assert list(_bare(Outer, (), "Outer", set())) == ["Outer.items.note: str"]


def _kapcare_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(kapcare.__path__, "kapcare."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending: list[type[forms.BaseForm]] = [forms.BaseForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("kapcare.") and ".tests" not in sub.__module__:
                found.append(sub)
    return found


def test_every_form_applies_the_input_rules() -> None:
    found = _kapcare_forms()
    assert len(found) > 40  # the walk reached the apps' forms
    assert [f.__qualname__ for f in found if not issubclass(f, InputRules)] == []


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("Calm\r\nand\tsteady", None),
        ("Calm\x00", "Remove the control character at position 5"),
        ("Lee\u202egnp", "Remove the control character at position 4"),
    ],
)
def test_a_form_text_field_refuses_control_characters(value: str, error: str | None) -> None:
    class NoteForm(InputRules, forms.Form):
        text = forms.CharField(widget=forms.Textarea)
        day = forms.DateField(required=False)

    form = NoteForm(data={"text": value})
    assert form.is_valid() is (error is None)
    if error:
        assert str(form.errors["text"][0]).startswith(error)


def test_a_form_date_field_keeps_the_window() -> None:
    class DayForm(InputRules, forms.Form):
        day = forms.DateField()

    form = DayForm(data={"day": "9999-12-31"})
    assert not form.is_valid()
    assert form.errors["day"] == ["Enter a date between 1 Jan 1900 and 31 Dec 2100."]
