import datetime as dt

from django import forms

from kapcare import clock
from kapcare.people.models import Client


class ClientForm(forms.ModelForm):  # type: ignore[type-arg]
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
        }
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def clean_date_of_birth(self) -> dt.date:
        value: dt.date = self.cleaned_data["date_of_birth"]
        today = clock.today()
        if value > today:
            raise forms.ValidationError("Date of birth cannot be in the future.")
        if value.year < today.year - 130:
            raise forms.ValidationError("Date of birth is more than 130 years ago.")
        return value
