"""Forms for the staff pages. They check input; ``people.services`` saves it."""

import datetime as dt
from typing import Any, cast

from django import forms

from kapcare.core import clock
from kapcare.core.choices import choices
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, ROLE_LABELS, Role
from kapcare.people.states import STATE_CHOICES
from kapcare.people.vocabulary import STAGE_LABELS

MAX_SEARCH_LENGTH = 100


class ClientForm(forms.ModelForm):  # type: ignore[type-arg]
    """A client's details and contact, as front desk and the care team keep them."""

    class Meta:
        model = Client
        fields = [
            "legal_given_name",
            "legal_family_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "email",
            "phone",
            "home_state",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "status",
            "stage",
        ]
        labels = {
            "legal_given_name": "Legal first name",
            "legal_family_name": "Legal last name",
            "preferred_name": "Preferred name",
            "home_state": "Home state",
            "stage": "Pathway stage",
        }
        help_texts = {
            "preferred_name": "Shown instead of the legal first name.",
            "pronouns": "For example she/her, he/him, they/them.",
            "home_state": "Where the client lives; telehealth follows where they are.",
        }
        error_messages = {
            "legal_given_name": {"required": "Enter the client's legal first name."},
            "legal_family_name": {"required": "Enter the client's legal last name."},
            "date_of_birth": {
                "required": "Enter the date of birth.",
                "invalid": "Enter the date of birth as a real date, for example 1985-04-12.",
            },
            "home_state": {"required": "Choose the home state."},
        }
        widgets = {
            "legal_given_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "legal_family_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(
                attrs={"type": "tel", "autocomplete": "off"}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = cast(forms.ChoiceField, self.fields["home_state"])
        state.choices = [("", "Choose a state"), *STATE_CHOICES]

    GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
        ("Name", ("legal_given_name", "legal_family_name", "preferred_name", "pronouns")),
        ("Birth and contact", ("date_of_birth", "email", "phone", "home_state")),
        (
            "Emergency contact",
            (
                "emergency_contact_name",
                "emergency_contact_relationship",
                "emergency_contact_phone",
            ),
        ),
        ("Care", ("status", "stage", "care_team")),
    )

    @property
    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The visible fields in labelled groups, for the client form's fieldsets."""
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        today = clock.today()
        if value > today:
            raise forms.ValidationError("Date of birth cannot be in the future.")
        if value.year < today.year - 130:
            raise forms.ValidationError("Date of birth is more than 130 years ago.")
        return value


class CareTeamChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: StaffMember) -> str:
        roles = ", ".join(
            ROLE_LABELS[Role(r.role)] for r in obj.roles.all() if Role(r.role) in CARE_TEAM_ROLES
        )
        return f"{obj.display_name} ({roles})"


class ClientCreateForm(ClientForm):
    """A new client, with the clinicians who start on the care team."""

    care_team = CareTeamChoiceField(
        queryset=StaffMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Care team",
        help_text="Therapists, medical providers and monitors who will see this client's chart.",
    )

    class Meta(ClientForm.Meta):
        fields = [*ClientForm.Meta.fields]

    def __init__(
        self, *args: Any, practice_id: int, creator: StaffMember | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CareTeamChoiceField, self.fields["care_team"])
        field.queryset = (
            StaffMember.objects.filter(
                practice_id=practice_id,
                is_active=True,
                roles__role__in=[r.value for r in CARE_TEAM_ROLES],
            )
            .distinct()
            .select_related("user")
            .prefetch_related("roles")
            .order_by("user__full_name")
        )
        if creator is not None and not self.is_bound:
            # A clinician who adds a client joins the team (services does it too).
            self.initial["care_team"] = [creator.pk]


class ClientSearchForm(forms.Form):
    """The client list's filters: a name and a pathway stage."""

    q = forms.CharField(
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        label="Find a client by name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    stage = forms.ChoiceField(
        required=False, choices=[("", "All stages"), *choices(STAGE_LABELS)], label="Pathway stage"
    )

    def clean_q(self) -> str:
        return " ".join(str(self.cleaned_data.get("q", "")).split())
