"""Booking, rescheduling and status forms; a refused rule is shown next to its field."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django import forms

from kapcare.core.choices import choices
from kapcare.core.errors import FieldError
from kapcare.core.form_inputs import InputRules
from kapcare.core.long_select import PreparedChoices
from kapcare.core.violations import Refused, Violation
from kapcare.people.states import STATES_BY_NAME
from kapcare.scheduling import services
from kapcare.scheduling.forms.places import (
    PlaceFields,
    zone_of,
)
from kapcare.scheduling.vocabulary import (
    KIND_LABELS,
    MODALITY_LABELS,
    STATUS_LABELS,
    AppointmentKind,
    AppointmentStatus,
    Modality,
    Rule,
    Subject,
)

# Which field a violated rule is about, so its message is shown next to that field.
# Rules about the pathway (consent, clearance, ...) are about no field: they go on top.
RULE_FIELDS: dict[str, str | None] = {
    Rule.NAIVE_DATETIME: "start_time",
    Rule.END_BEFORE_START: "end_time",
    Rule.IN_PERSON_NEEDS_LOCATION: "location",
    Rule.IN_PERSON_NEEDS_ROOM: "room",
    Rule.ROOM_LOCATION_MISMATCH: "room",
    Rule.ROOM_INACTIVE: "room",
    Rule.NO_STAFF: "staff",
    Rule.DUPLICATE_STAFF: "staff",
    Rule.CLIENT_LOCATION_STATE_INVALID: "client_location_state",
    Rule.FOLLOW_UP_NOT_INTEGRATION: "with_follow_up",
    Rule.PLAN_PAUSED: "kind",
    Rule.PLAN_REQUIRED: "kind",
    Rule.MEDICINE_IN_PERSON_ONLY: "modality",
    Rule.MEDICINE_LOCATION_NOT_EQUIPPED: "location",
    Rule.MEDICINE_MONITOR_REQUIRED: "staff",
    Rule.MEDICINE_REQUIRES_INTEGRATION: "with_follow_up",
    Rule.MEDICINE_MIN_SPACING: "date",
    Rule.TELEHEALTH_CLIENT_LOCATION_UNLICENSED: "client_location_state",
    Rule.CONFLICT_CLINICIAN: "staff",
    Rule.CONFLICT_ROOM: "room",
    Rule.CONFLICT_CLIENT: "start_time",
    Rule.STAFF_OUTSIDE_WORKING_HOURS: "staff",
    Rule.STAFF_TIME_OFF: "staff",
}


# The service's field names (API spelling) as this form spells them.
_SERVICE_FIELDS = {"start": "start_time", "end": "end_time", "client": "client"}


FOLLOW_UP_PREFIX = "fu_"


def _id(value: str | None) -> int | None:
    return int(value) if value else None


class _TimedForm(InputRules, forms.Form):
    """Date, times, place and staff of one appointment (the main one or the follow-up)."""

    places: PlaceFields

    def _add_place_fields(self, prefix: str, *, required: bool, legend: str) -> None:
        f = self.fields
        # The follow-up's labels say so, so the error summary names the right field.
        of = "" if not prefix else "Integration: "
        f[f"{prefix}date"] = forms.DateField(
            label=of + ("Date" if not of else "date"),
            required=required,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={
                "required": f"Enter the date of the {legend}.",
                "invalid": "Enter a real date, for example 2026-03-04.",
            },
        )
        f[f"{prefix}start_time"] = forms.TimeField(
            label=of + ("Starts at" if not of else "starts at"),
            required=required,
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            error_messages={
                "required": f"Enter the time the {legend} starts.",
                "invalid": "Enter a time, for example 10:00.",
            },
        )
        f[f"{prefix}end_time"] = forms.TimeField(
            label=of + ("Ends at" if not of else "ends at"),
            required=required,
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            error_messages={
                "required": f"Enter the time the {legend} ends.",
                "invalid": "Enter a time, for example 11:50.",
            },
            help_text="Times are in the location's time zone (Eastern time for telehealth).",
        )
        f[f"{prefix}location"] = forms.ChoiceField(
            label=of + ("Location" if not of else "location"),
            required=False,
            choices=PreparedChoices(self.places.location_choices),
        )
        f[f"{prefix}room"] = forms.ChoiceField(
            label=of + ("Room" if not of else "room"),
            required=False,
            choices=PreparedChoices(self.places.room_choices),
        )
        f[f"{prefix}staff"] = forms.MultipleChoiceField(
            label=of + ("Staff" if not of else "staff"),
            required=False,
            choices=PreparedChoices(self.places.staff_choices),
            widget=forms.CheckboxSelectMultiple,
            help_text="A medicine session needs a monitor for the whole session.",
        )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())
        for prefix in {name[: -len("date")] for name in self.fields if name.endswith("date")}:
            for which in ("start", "end"):
                moment = self._instant(prefix, which)
                if moment is None:
                    continue
                back = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
                if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
                    # The hour skipped when clocks go forward does not exist there.
                    self.add_error(
                        f"{prefix}{which}_time",
                        "That time does not exist on that day: the clocks go forward. "
                        "Choose a time an hour later.",
                    )
        return data

    def _instant(self, prefix: str, which: str) -> dt.datetime | None:
        day = self.cleaned_data.get(f"{prefix}date")
        moment = self.cleaned_data.get(f"{prefix}{which}_time")
        if day is None or moment is None:
            return None
        location_id = _id(self.cleaned_data.get(f"{prefix}location"))
        location = self.places.locations.get(location_id) if location_id else None
        zone = zone_of(location, self.places.zone)
        return dt.datetime.combine(day, moment, tzinfo=zone)

    def _required_instant(self, prefix: str, which: str) -> dt.datetime:
        moment = self._instant(prefix, which)
        if moment is None:  # only reachable by calling before the form was validated
            raise ValueError("The form has no valid date and time yet.")
        return moment

    def _staff_ids(self, prefix: str) -> tuple[int, ...]:
        return tuple(int(v) for v in self.cleaned_data.get(f"{prefix}staff", []))

    def add_violations(self, violations: Iterable[Violation]) -> None:
        """Each rule's message next to the field it is about (pathway rules on top)."""
        for violation in violations:
            target = RULE_FIELDS.get(violation.rule)
            if target is not None and violation.subject is Subject.FOLLOW_UP:
                target = target if target == "with_follow_up" else FOLLOW_UP_PREFIX + target
            if target is not None and target not in self.fields:
                target = None
            self.add_error(target, violation.message)

    def add_refusal(self, refused: Refused) -> None:
        """The booking rules' refusal: a lost race on top, each violation by its field."""
        if refused.conflict:
            self.add_error(None, "Someone else booked this time a moment ago.")
        self.add_violations(refused.violations)

    def add_field_error(self, error: FieldError) -> None:
        name = error.field
        prefix = ""
        if name.startswith("follow_up."):
            prefix, name = FOLLOW_UP_PREFIX, name.removeprefix("follow_up.")
        target = prefix + _SERVICE_FIELDS.get(name, name)
        self.add_error(target if target in self.fields else None, error.message)


class BookingForm(_TimedForm):
    """A booking: the appointment and, optionally, its integration session."""

    def __init__(
        self,
        *args: Any,
        places: PlaceFields,
        clients: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.places = places
        self.fields["client"] = forms.TypedChoiceField(
            label="Client",
            coerce=int,
            choices=[("", "Choose a client"), *((str(pk), name) for pk, name in clients)],
            error_messages={"required": "Choose the client.", "invalid_choice": "Choose a client."},
        )
        self.fields["kind"] = forms.ChoiceField(
            label="Kind of session",
            choices=choices(KIND_LABELS),
            error_messages={"required": "Choose the kind of session."},
        )
        self.fields["modality"] = forms.ChoiceField(
            label="How",
            choices=choices(MODALITY_LABELS),
            widget=forms.RadioSelect,
            error_messages={"required": "Choose in person or telehealth."},
        )
        self._add_place_fields("", required=True, legend="session")
        self.fields["client_location_state"] = forms.ChoiceField(
            label="Where the client will be (telehealth)",
            required=False,
            choices=[("", "Their home state"), *STATES_BY_NAME],
            help_text="The state the client attests they will be in during a video session.",
        )
        self.fields["with_follow_up"] = forms.BooleanField(
            label="Book the integration session together with it",
            required=False,
            help_text="A medicine session needs an integration session booked in the days "
            "after it.",
        )
        self.fields[f"{FOLLOW_UP_PREFIX}modality"] = forms.ChoiceField(
            label="Integration: how",
            required=False,
            choices=choices(MODALITY_LABELS),
            widget=forms.RadioSelect,
        )
        self._add_place_fields(FOLLOW_UP_PREFIX, required=False, legend="integration session")
        self.fields[f"{FOLLOW_UP_PREFIX}client_location_state"] = forms.ChoiceField(
            label="Integration: where the client will be (telehealth)",
            required=False,
            choices=[("", "Their home state"), *STATES_BY_NAME],
        )

    MAIN_FIELDS = (
        "client",
        "kind",
        "modality",
        "date",
        "start_time",
        "end_time",
        "location",
        "room",
        "staff",
        "client_location_state",
    )

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN_FIELDS]

    def follow_up_fields(self) -> list[forms.BoundField]:
        names = ("modality", "date", "start_time", "end_time", "location", "room", "staff")
        return [self[FOLLOW_UP_PREFIX + name] for name in (*names, "client_location_state")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("with_follow_up"):
            required = {
                "modality": "Choose in person or telehealth for the integration session.",
                "date": "Enter the date of the integration session.",
                "start_time": "Enter the time the integration session starts.",
                "end_time": "Enter the time the integration session ends.",
            }
            for name, message in required.items():
                key = FOLLOW_UP_PREFIX + name
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, message)
        return data

    def booking_request(self) -> services.AppointmentRequest:
        data = self.cleaned_data
        start, end = self._required_instant("", "start"), self._required_instant("", "end")
        follow_up = None
        if data.get("with_follow_up"):
            p = FOLLOW_UP_PREFIX
            fu_start, fu_end = self._required_instant(p, "start"), self._required_instant(p, "end")
            follow_up = services.FollowUpRequest(
                kind=AppointmentKind.INTEGRATION,
                modality=Modality(data[f"{p}modality"]),
                start=fu_start,
                end=fu_end,
                staff_ids=self._staff_ids(p),
                location_id=_id(data.get(f"{p}location")),
                room_id=_id(data.get(f"{p}room")),
                client_location_state=data.get(f"{p}client_location_state") or None,
            )
        return services.AppointmentRequest(
            client_id=data["client"],
            kind=AppointmentKind(data["kind"]),
            modality=Modality(data["modality"]),
            start=start,
            end=end,
            staff_ids=self._staff_ids(""),
            location_id=_id(data.get("location")),
            room_id=_id(data.get("room")),
            client_location_state=data.get("client_location_state") or None,
            follow_up=follow_up,
        )


class RescheduleForm(_TimedForm):
    """A new time, place and staff for a booked appointment."""

    def __init__(self, *args: Any, places: PlaceFields, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.places = places
        self._add_place_fields("", required=True, legend="session")

    def changes(self) -> dict[str, Any]:
        start, end = self._required_instant("", "start"), self._required_instant("", "end")
        return {
            "start": start,
            "end": end,
            "location_id": _id(self.cleaned_data.get("location")),
            "room_id": _id(self.cleaned_data.get("room")),
            "staff_ids": self._staff_ids(""),
        }


class StatusForm(InputRules, forms.Form):
    status = forms.ChoiceField(
        label="New status",
        choices=choices(
            {s: label for s, label in STATUS_LABELS.items() if s is not AppointmentStatus.BOOKED}
        ),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the new status."},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=services.MAX_REASON_LENGTH,
        help_text="For example: the client asked to move it. No clinical detail.",
        error_messages={
            "max_length": f"Keep the reason to {services.MAX_REASON_LENGTH} characters."
        },
    )
