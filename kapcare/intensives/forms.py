"""The intensive planning page's form: which clients, how many days, from when, and the
preferences to try (for this plan only; the client's intensive plan keeps its own)."""

from typing import Any

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.intensives.pattern import MAX_DAYS

__all__ = ["PlanForm"]


class PlanForm(InputRules, forms.Form):
    clients = forms.TypedMultipleChoiceField(
        label="Clients",
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        help_text="Clients with an intensive plan.",
    )
    days = forms.IntegerField(label="Days of the intensive", min_value=1, max_value=MAX_DAYS)
    earliest_start = forms.DateField(
        label="Earliest start", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args: Any,
        clients: list[tuple[int, str]],
        therapists: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clients"].choices = clients  # type: ignore[attr-defined]
        self.client_names = dict(clients)
        for client_id, name in clients:
            self.fields[f"prefer_{client_id}"] = forms.TypedChoiceField(
                label=f"Preferred therapist for {name}",
                coerce=int,
                empty_value=None,
                required=False,
                choices=[("", "As in the plan"), *therapists],
            )
            self.fields[f"ends_{client_id}"] = forms.TimeField(
                label=f"Days end by, for {name}",
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
                help_text="Leave empty for the plan's wish (or 17:00).",
            )

    def preference_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(client name, preferred therapist, day end) for each chosen client."""
        chosen = self.cleaned_data.get("clients", []) if self.is_bound else []
        return [
            (self.client_names[c], self[f"prefer_{c}"], self[f"ends_{c}"])
            for c in chosen
            if c in self.client_names
        ]
