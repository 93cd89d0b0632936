"""The OpenAPI document says what the API does: the classes of mismatch ``make fuzz`` found.

Each test here stands for one kind of failure schemathesis reported against a live server
(issue 12), so the suite catches it again without the fuzzer.
"""

import re
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from ninja import NinjaAPI, Schema
from pydantic import BaseModel, ValidationError

from kapcare.api import api
from kapcare.core.api_fields import DAY_PATTERN, INSTANT_PATTERN, Day, Instant
from kapcare.core.api_schema import Schema as KapCareSchema
from kapcare.core.inputs import TEXT_PATTERN, first_forbidden_character


def _operations(ninja_api: NinjaAPI) -> Iterator[Any]:
    # A router added inside another is bound to the API when its URLs are first built:
    # build them, or the walk misses those operations when this test runs on its own.
    ninja_api.urls  # noqa: B018
    for _prefix, router in ninja_api._routers:
        for view in router.path_operations.values():
            yield from view.operations


def _models(annotation: Any, seen: set[type[BaseModel]]) -> Iterator[type[BaseModel]]:
    origin = typing.get_origin(annotation)
    if origin is not None:
        for arg in typing.get_args(annotation):
            if arg is not Ellipsis:
                yield from _models(arg, seen)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation, seen)


def _schema_names(ninja_api: NinjaAPI) -> dict[str, set[str]]:
    seen: set[type[BaseModel]] = set()
    names: dict[str, set[str]] = defaultdict(set)
    for operation in _operations(ninja_api):
        roots = [*operation.models, *(operation.response_models or {}).values()]
        for root in roots:
            for model in _models(root, seen):
                names[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    return names


def test_no_two_schemas_share_a_component_name() -> None:
    # The document keys its components by class name: two classes of one name leave one
    # of them described by the other's fields. GET /api/v1/locations was documented with
    # the portal's session location (client_location_state, ...), and the medicine
    # record's addendum text lost its minimum length to the session note's addendum.
    names = _schema_names(api)
    assert len(names) > 100  # the walk reached the apps' schemas
    assert {name: classes for name, classes in names.items() if len(classes) > 1} == {}


def test_the_locations_list_is_documented_with_its_own_fields() -> None:
    schema = api.get_openapi_schema()
    location = schema["components"]["schemas"]["LocationOut"]
    assert {"name", "state", "time_zone"} <= set(location["properties"])


def test_the_text_pattern_refuses_exactly_what_the_text_rule_refuses() -> None:
    # The document did not say that text refuses control characters, so schema-valid text
    # (a NUL, an ESC) was refused with 422: the published pattern is the rule itself.
    pattern = re.compile(TEXT_PATTERN)
    for code in range(0x110000):
        if 0xD800 <= code <= 0xDFFF:  # lone surrogates: no UTF-8 text holds one
            continue
        char = chr(code)
        published = pattern.fullmatch(f"a{char}b") is not None
        assert published is (first_forbidden_character(char) is None), hex(code)


def _field(component: str, name: str) -> dict[str, Any]:
    schema = api.get_openapi_schema()["components"]["schemas"][component]["properties"][name]
    found: dict[str, Any] = next(
        (option for option in schema.get("anyOf", []) if option.get("type") == "string"), schema
    )
    return found


def test_text_dates_and_moments_publish_their_rules() -> None:
    assert _field("MedicineAddendumIn", "text")["pattern"] == TEXT_PATTERN
    assert _field("MedicineAddendumIn", "text")["minLength"] == 1
    assert _field("ClientIn", "date_of_birth")["pattern"] == DAY_PATTERN
    assert _field("AppointmentIn", "start")["pattern"] == INSTANT_PATTERN


class _Moments(Schema):
    at: Instant
    day: Day


@pytest.mark.parametrize(
    ("at", "day"),
    [
        ("1900-01-01T00:00:00Z", "1900-01-01"),
        ("2100-12-31T23:59:59.999999-05:00", "2100-12-31"),
        ("2030-01-07T10:00:00+23:59", "2030-02-28"),
    ],
)
def test_what_the_date_patterns_publish_the_api_reads(at: str, day: str) -> None:
    assert re.fullmatch(INSTANT_PATTERN, at)
    assert re.fullmatch(DAY_PATTERN, day)
    _Moments.model_validate({"at": at, "day": day})


@pytest.mark.parametrize(
    ("at", "day"),
    [
        ("1899-12-31T23:59:59Z", "1899-12-31"),  # before the window
        ("2101-01-01T00:00:00Z", "2101-01-01"),  # after it
        ("2030-01-07t10:00:00z", "20300107"),  # lower case; no dashes
        ("2030-01-07T10:00Z", "2030-01-07T00:00:00"),  # no seconds; a moment for a day
        ("2030-01-07 10:00:00Z", "0"),  # a space; a number
        ("2030-01-07T10:00:00.1234567Z", "2030-1-7"),  # past microseconds; short parts
        ("1700000000", "2030-01-07Z"),  # seconds since 1970; a zone on a day
    ],
)
def test_what_the_date_patterns_refuse_the_api_refuses(at: str, day: str) -> None:
    assert not re.fullmatch(INSTANT_PATTERN, at)
    assert not re.fullmatch(DAY_PATTERN, day)
    with pytest.raises(ValidationError) as refused:
        _Moments.model_validate({"at": at, "day": day})
    assert {error["loc"][0] for error in refused.value.errors()} == {"at", "day"}


def test_every_api_schema_reads_numbers_only_from_numbers() -> None:
    # The shared base refuses JSON true and false for a number; a schema on ninja's own
    # base would read them as 1 and 0 again.
    seen: set[type[BaseModel]] = set()
    found = {
        f"{model.__module__}.{model.__qualname__}"
        for operation in _operations(api)
        for root in [*operation.models, *(operation.response_models or {}).values()]
        for model in _models(root, seen)
        if model.__module__.startswith("kapcare.") and not issubclass(model, KapCareSchema)
    }
    assert found == set()


def _responses(method: str, path: str) -> dict[str, Any]:
    responses: dict[str, Any] = api.get_openapi_schema()["paths"][path][method]["responses"]
    return responses


def _shapes(response: dict[str, Any]) -> set[str]:
    schema = response["content"]["application/json"]["schema"]
    return {option["$ref"].rsplit("/", 1)[-1] for option in schema.get("anyOf", [schema])}


def test_every_change_documents_the_rules_refusal() -> None:
    # A signed note answered 422 with its violations where the document promised field
    # errors only: every write may meet a rule (the handler is the API's own).
    document = api.get_openapi_schema()
    for path, item in document["paths"].items():
        for method in item.keys() - {"get"}:
            assert {"ValidationErrorOut", "ViolationsOut"} <= _shapes(
                _responses(method, path)["422"]
            ), f"{method} {path}"


def test_scoring_an_unknown_instrument_is_a_documented_404() -> None:
    assert "404" in _responses("post", "/api/v1/instruments/{code}/score")


def test_a_dict_keyed_by_text_allows_no_other_keys() -> None:
    # Keys are Text: the document's patternProperties left every other key allowed.
    answers = api.get_openapi_schema()["components"]["schemas"]["ScreeningIn"]["properties"]
    assert answers["answers"]["patternProperties"]
    assert answers["answers"]["additionalProperties"] is False
