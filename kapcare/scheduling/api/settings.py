"""/api/v1/practice/scheduling-settings: the practice's booking-rule settings."""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router

from kapcare.core import clock
from kapcare.core.api_errors import WRITE_ERRORS, error_responses
from kapcare.core.api_fields import FILLED, Text
from kapcare.core.api_schema import Schema
from kapcare.core.errors import FieldError
from kapcare.core.practice_overrides import overrides_schema
from kapcare.people.access import Actor, staff_actor
from kapcare.people.policy import Role
from kapcare.scheduling.facts import get_settings
from kapcare.scheduling.practice_settings import SETTING_NAMES, SETTING_SCHEMAS, setting_rows
from kapcare.scheduling.services import settings as settings_services

router = Router(tags=["staff schedules"])


class SettingOut(Schema):
    name: str
    label: str
    value: Any
    default: Any
    source: str
    overridden: bool


class SchedulingSettingsOut(Schema):
    settings: list[SettingOut]
    reminder_hours_before: int
    may_change: bool


class SchedulingSettingsIn(Schema):
    overrides: dict[Text, Any] = Field(
        default_factory=dict,
        description=f"Setting name to value (null: back to the default). Names: "
        f"{', '.join(SETTING_NAMES)}",
        json_schema_extra=overrides_schema(SETTING_SCHEMAS),
    )
    reminder_hours_before: int | None = Field(None, ge=1, le=336)
    reason: Annotated[Text, FILLED] = Field(
        ..., min_length=1, max_length=200, description="Why (kept as the source)"
    )


def settings_out(actor: Actor) -> SchedulingSettingsOut:
    stored = get_settings(actor.practice_id)
    return SchedulingSettingsOut(
        settings=[SettingOut(**vars(row)) for row in setting_rows(stored.overrides)],
        reminder_hours_before=stored.reminder_hours_before,
        may_change=actor.has_role(Role.FRONT_DESK),
    )


@router.get(
    "/practice/scheduling-settings",
    response={200: SchedulingSettingsOut, **error_responses(401, 404)},
    operation_id="get_scheduling_settings",
)
def get_scheduling_settings(request: HttpRequest) -> SchedulingSettingsOut:
    """The booking-rule settings in force for the practice, their defaults and sources."""
    return settings_out(staff_actor(request))


@router.put(
    "/practice/scheduling-settings",
    response={200: SchedulingSettingsOut, **WRITE_ERRORS},
    operation_id="put_scheduling_settings",
)
def put_scheduling_settings(
    request: HttpRequest, payload: SchedulingSettingsIn
) -> SchedulingSettingsOut:
    """Change booking-rule settings or the reminder lead time (front desk); audited.

    Only the names sent change; `null` returns a setting to its default.
    """
    actor = staff_actor(request)
    if len(payload.overrides) > len(SETTING_NAMES):
        raise FieldError("overrides", "Too many settings.")
    settings_services.update_settings(
        actor=actor,
        values=payload.overrides,
        reason=payload.reason,
        reminder_hours_before=payload.reminder_hours_before,
        now=clock.now(),
    )
    return settings_out(actor)
