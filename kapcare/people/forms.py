"""Forms for the staff pages. They check input; ``people.services`` saves it."""

import datetime as dt
from typing import Any, cast

from django import forms

from kapcare.core import clock
from kapcare.core.choices import choices
from kapcare.core.form_inputs import InputRules
from kapcare.people.models import Client, StaffMember
from kapcare.people.policy import CARE_TEAM_ROLES, ROLE_LABELS, Role
from kapcare.people.states import STATES_BY_NAME
from kapcare.people.vocabulary import STAGE_LABELS

MAX_SEARCH_LENGTH = 100


class ClientForm(InputRules, forms.ModelForm):  # type: ignore[type-arg]
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
        ]
        labels = {
            "legal_given_name": "Legal first name",
            "legal_family_name": "Legal last name",
            "preferred_name": "Preferred name",
            "home_state": "Home state",
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
        state.choices = [("", "Choose a state"), *STATES_BY_NAME]

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
        ("Care", ("status", "care_team")),
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

    # Shown only once a client with the same legal name and date of birth was found.
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="This is a different person",
        help_text="Tick this only after checking that the client on file is someone else.",
    )

    class Meta(ClientForm.Meta):
        fields = [*ClientForm.Meta.fields]

    GROUPS = (
        (
            "Name",
            (
                "legal_given_name",
                "legal_family_name",
                "preferred_name",
                "pronouns",
                "confirm_duplicate",
            ),
        ),
        *ClientForm.GROUPS[1:],
    )

    def __init__(
        self, *args: Any, practice_id: int, creator: StaffMember | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The record(s) on file this one may duplicate, when the service said so.
        self.duplicate_ids: list[int] = []
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

    @property
    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        asked = bool(self.duplicate_ids) or (self.is_bound and self.data.get("confirm_duplicate"))
        return [
            (legend, [f for f in fields if f.name != "confirm_duplicate" or asked])
            for legend, fields in super().groups
        ]


class ClientSearchForm(InputRules, forms.Form):
    """The client list's filters: a name and a pathway stage."""

    q = forms.CharField(
        required=False,
        max_length=MAX_SEARCH_LENGTH,
        label="Find a client",
        help_text="Name, date of birth (1990-03-04 or 03/04/1990), phone number or e-mail.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    stage = forms.ChoiceField(
        required=False, choices=[("", "All stages"), *choices(STAGE_LABELS)], label="Pathway stage"
    )

    def clean_q(self) -> str:
        return " ".join(str(self.cleaned_data.get("q", "")).split())


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A staff member, named with the care-team roles they hold."""

    def label_from_instance(self, obj: StaffMember) -> str:
        return CareTeamChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


TEAM_ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role if r in CARE_TEAM_ROLES]
REASON_HELP = "Kept with the care team's history and in the audit trail."


class CareTeamAddForm(InputRules, forms.Form):
    """Someone joins a client's care team, in one of their roles, for a stated reason."""

    prefix = "add"  # two forms on one page: their fields' ids differ

    staff = StaffChoiceField(
        queryset=StaffMember.objects.none(),
        label="Who joins",
        empty_label="Choose a staff member",
        error_messages={"required": "Choose who joins the care team."},
    )
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *TEAM_ROLE_CHOICES],
        label="As",
        error_messages={"required": "Choose the role they take on the care team."},
    )
    reason = forms.CharField(
        max_length=500,
        label="Why",
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why they join the care team."},
    )

    def __init__(self, *args: Any, practice_id: int, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(StaffChoiceField, self.fields["staff"])
        field.queryset = (
            StaffMember.objects.filter(
                practice_id=practice_id,
                is_active=True,
                roles__role__in=[r.value for r in CARE_TEAM_ROLES],
            )
            .exclude(care_teams__client=client)
            .distinct()
            .select_related("user")
            .prefetch_related("roles")
            .order_by("user__full_name")
        )


class CareTeamRemoveForm(InputRules, forms.Form):
    """Someone leaves a client's care team, for a stated reason."""

    prefix = "remove"

    staff = StaffChoiceField(
        queryset=StaffMember.objects.none(),
        label="Who leaves",
        empty_label="Choose a member of the care team",
        error_messages={"required": "Choose who leaves the care team."},
    )
    reason = forms.CharField(
        max_length=500,
        label="Why",
        help_text=REASON_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why they leave the care team."},
    )

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(StaffChoiceField, self.fields["staff"])
        field.queryset = (
            StaffMember.objects.filter(care_teams__client=client)
            .select_related("user")
            .prefetch_related("roles")
            .order_by("user__full_name")
        )
