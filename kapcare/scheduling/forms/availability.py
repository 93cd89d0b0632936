"""The availability search form."""

from typing import Any

from django import forms

from kapcare.core.choices import choices
from kapcare.core.form_inputs import InputRules
from kapcare.people.models import Location, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES
from kapcare.people.states import STATES_BY_NAME
from kapcare.scheduling.availability import DEFAULT_COUNT
from kapcare.scheduling.services.availability import MAX_COUNT
from kapcare.scheduling.vocabulary import KIND_LABELS, MODALITY_LABELS, Modality


class AvailabilityForm(InputRules, forms.Form):
    client = forms.TypedChoiceField(label="Client", coerce=int, choices=[])
    kind = forms.ChoiceField(label="Kind of session", choices=choices(KIND_LABELS))
    modality = forms.ChoiceField(
        label="How",
        choices=choices(MODALITY_LABELS),
        initial=Modality.IN_PERSON.value,
        widget=forms.RadioSelect,
    )
    location = forms.ModelChoiceField(
        label="Location",
        queryset=Location.objects.none(),
        required=False,
        help_text="Needed for in-person sessions.",
    )
    staff = forms.ModelMultipleChoiceField(
        label="Staff",
        queryset=StaffMember.objects.none(),
        help_text="Everyone who must be there (a medicine session needs a monitor).",
        widget=forms.CheckboxSelectMultiple,
    )
    duration = forms.IntegerField(
        label="Length in minutes",
        min_value=5,
        max_value=600,
        required=False,
        help_text="Leave empty for the usual length of the kind (medicine: 180).",
    )
    after = forms.DateField(
        label="From date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to search from now.",
    )
    client_location_state = forms.ChoiceField(
        # The booking form's label and state names, so the two pages read alike.
        label="Where the client will be (telehealth)",
        required=False,
        choices=[("", "Their home state"), *STATES_BY_NAME],
    )
    count = forms.IntegerField(
        label="How many slots",
        min_value=1,
        max_value=MAX_COUNT,
        initial=DEFAULT_COUNT,
        required=False,
    )
    # A medicine session is offered with its integration session; these say how to hold it.
    # ``follow_up__x`` is how a form spells the service's ``follow_up.x`` (its refusals).
    follow_up__modality = forms.ChoiceField(
        label="Integration: how",
        choices=choices(MODALITY_LABELS),
        initial=Modality.IN_PERSON.value,
        required=False,
        widget=forms.RadioSelect,
    )
    follow_up__staff = forms.ModelMultipleChoiceField(
        label="Integration: staff",
        queryset=StaffMember.objects.none(),
        required=False,
        help_text="Leave empty for the therapists of the medicine session.",
        widget=forms.CheckboxSelectMultiple,
    )
    follow_up__duration = forms.IntegerField(
        label="Integration: how many minutes",
        min_value=5,
        max_value=600,
        required=False,
        help_text="Leave empty for an hour.",
    )

    FOLLOW_UP_FIELDS = ("follow_up__modality", "follow_up__staff", "follow_up__duration")

    def search_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.fields if n not in self.FOLLOW_UP_FIELDS]

    def follow_up_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in self.FOLLOW_UP_FIELDS]

    def __init__(
        self, *args: Any, practice_id: int, clients: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].choices = [("", "Choose a client"), *clients]  # type: ignore[attr-defined]
        self.fields["location"].queryset = Location.objects.filter(practice_id=practice_id)  # type: ignore[attr-defined]
        self.fields["staff"].queryset = self.fields["follow_up__staff"].queryset = (  # type: ignore[attr-defined]
            StaffMember.objects.filter(
                practice_id=practice_id,
                is_active=True,
                # Only people who see clients can be booked (not front desk, privacy).
                roles__role__in=[r.value for r in CARE_TEAM_ROLES],
            )
            .distinct()
            .select_related("user")
            .order_by("user__full_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("modality") == Modality.IN_PERSON.value and not data.get("location"):
            self.add_error("location", "Choose the office for an in-person session.")
        for name in ("staff", "follow_up__staff"):
            chosen = data.get(name)
            if chosen is not None and len(chosen) > 5:
                self.add_error(name, "Choose at most 5 staff members.")
        return data
