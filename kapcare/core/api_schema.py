"""The base of every API schema: ninja's, reading each JSON type only as itself.

Pydantic in its lax mode reads JSON ``true`` and ``false`` as 1 and 0 where a number is
expected, so ``{"sud": false}`` was stored as a SUD of 0 and ``{"client": true}`` named
client 1 (``make fuzz``, issue 12: "schema-violating request accepted"); it reads 0, 1,
"yes" and "off" as a boolean (``{"share": 0}``); and ninja's schemas read any value as
an object by its attributes (``from_attributes``, for answers built from records), so
``{"reflection": [null]}`` was an empty reflection. Lax mode stays on, since query and
path values arrive as text ("5"); here, before pydantic reads them, a true or false sent
for a number (or in a list of numbers), anything but true or false for a boolean in a
JSON body (a query's "true" is text, and read as pydantic reads it), and anything but a
JSON object for an object are refused with pydantic's own error on that field.
"""

import datetime as dt
import decimal
import types
import typing
from typing import Any

from ninja import Schema as NinjaSchema
from ninja.schema import DjangoGetter
from pydantic import ValidationError, model_validator
from pydantic_core import InitErrorDetails

__all__ = ["JsonObject", "Schema"]

_NUMBERS = (int, float, decimal.Decimal)


def _options(annotation: Any) -> list[Any]:
    """The types ``annotation`` allows, through Annotated and Optional (None left out)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _options(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [o for a in typing.get_args(annotation) if a is not type(None) for o in _options(a)]
    return [annotation]


def _is_number(annotation: Any) -> bool:
    """Whether ``annotation`` takes a number (and nothing a JSON true could mean)."""
    options = _options(annotation)
    return bool(options) and all(
        isinstance(a, type) and issubclass(a, _NUMBERS) and not issubclass(a, bool | dt.date)
        for a in options
    )


def _item_type(annotation: Any) -> Any | None:
    """The item type of a list or tuple annotation (through Annotated and Optional)."""
    options = _options(annotation)
    if len(options) != 1 or typing.get_origin(options[0]) not in (list, tuple, set, frozenset):
        return None
    args = [a for a in typing.get_args(options[0]) if a is not Ellipsis]
    return args[0] if len(args) == 1 else None


def _is_bool(annotation: Any) -> bool:
    """Whether ``annotation`` is a boolean (through Annotated and Optional)."""
    return _options(annotation) == [bool]


def _error(loc: tuple[str | int, ...], value: object, kind: str = "int_type") -> InitErrorDetails:
    return {"type": kind, "loc": loc, "input": value}


class JsonObject(dict[str, Any]):
    """An object read from a JSON body (the API's parser makes every one of them so): its
    values are JSON's own types, where a query's are text ("true", "5")."""


# What JSON holds that is not an object: what a nested schema refuses.
# (null too: where an object may be left out, ``X | None`` reads null before the object.)
_NOT_AN_OBJECT = (list, str, int, float, bool, type(None))


class Schema(NinjaSchema):
    @model_validator(mode="before")
    @classmethod
    def _each_json_type_as_itself(cls, data: Any) -> Any:
        # ninja's own validator hands the input on wrapped in a DjangoGetter.
        fields = data._obj if isinstance(data, DjangoGetter) else data
        if isinstance(fields, _NOT_AN_OBJECT):
            # A nested schema given a list or a scalar (records and dicts pass on).
            error = _error((), fields, "model_type")
            error["ctx"] = {"class_name": cls.__name__}
            raise ValidationError.from_exception_data(cls.__name__, [error])
        if not isinstance(fields, dict):
            return data
        errors: list[InitErrorDetails] = []
        for name, field in cls.model_fields.items():
            key = field.alias or name
            value = fields.get(key)
            if isinstance(value, bool) and _is_number(field.annotation):
                errors.append(_error((key,), value))
            elif (
                isinstance(fields, JsonObject)
                and value is not None
                and not isinstance(value, bool)
                and _is_bool(field.annotation)
            ):
                errors.append(_error((key,), value, "bool_type"))
            elif isinstance(value, list):
                item = _item_type(field.annotation)
                if item is not None and _is_number(item):
                    errors += [
                        _error((key, index), each)
                        for index, each in enumerate(value)
                        if isinstance(each, bool)
                    ]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return data
