"""Staff forms for measures in care: assign, issue a link, review a flag.

The questionnaire itself is not a Django form: ``questionnaire.py`` builds it from
the instrument's definition so a practice's own instrument works the same way.
"""

from django import forms

from kapcare.core.form_inputs import InputRules
from kapcare.measures.models import Schedule
from kapcare.measures.registry import list_instruments
from kapcare.measures.services import MAX_NOTE_LENGTH


def instrument_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.code}: {i.name}") for i in list_instruments()]


class AssignForm(InputRules, forms.Form):
    instrument = forms.ChoiceField(label="Measure", choices=instrument_choices)
    schedule = forms.ChoiceField(
        label="When",
        choices=Schedule.choices,
        widget=forms.RadioSelect,
        initial=Schedule.ONCE,
    )
    due_on = forms.DateField(
        label="Due on",
        help_text="Once: the due date. Monthly: the first due date. Otherwise the sessions set it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LinkForm(InputRules, forms.Form):
    instrument = forms.ChoiceField(label="Measure", choices=instrument_choices)
    valid_for_days = forms.IntegerField(
        label="Link works for (days)",
        min_value=1,
        max_value=30,
        initial=7,
        help_text="It also stops working once the client has sent their answers.",
    )


class ReviewForm(InputRules, forms.Form):
    note = forms.CharField(
        label="Review note",
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you found and decided (for example: risk assessed, safety plan updated).",
    )
