"""A page's service call: field errors on the form, refusals of access as 404, rules to the page."""

import pytest
from django import forms
from django.http import Http404

from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.form_errors import add_field_error, submitting
from kapcare.core.violations import Refused, Violation


class _Form(forms.Form):
    name = forms.CharField()
    scheduling__notice_hours = forms.IntegerField()


def _bound() -> _Form:
    form = _Form({"name": "x", "scheduling__notice_hours": "2"})
    assert form.is_valid()
    return form


def test_a_call_that_goes_through_is_ok() -> None:
    form = _bound()
    with submitting(form) as submitted:
        pass
    assert submitted.ok
    assert not form.errors


def test_a_field_error_lands_on_its_field_and_the_call_is_not_ok() -> None:
    form = _bound()
    with submitting(form) as submitted:
        raise FieldError("name", "Too short.")
    assert not submitted.ok
    assert form.errors == {"name": ["Too short."]}


def test_a_dotted_service_field_finds_its_double_underscore_form_field() -> None:
    form = _bound()
    add_field_error(form, FieldError("scheduling.notice_hours", "At most 72."))
    add_field_error(form, FieldError("elsewhere", "Above the form."))
    assert form.errors == {
        "scheduling__notice_hours": ["At most 72."],
        "__all__": ["Above the form."],
    }


def test_a_callable_places_the_field_error_its_own_way() -> None:
    seen: list[str] = []
    with submitting(lambda error: seen.append(error.field)) as submitted:
        raise FieldError("answers.3", "Choose an answer.")
    assert seen == ["answers.3"]
    assert not submitted.ok


def test_without_a_form_a_field_error_is_the_callers() -> None:
    with pytest.raises(FieldError), submitting():
        raise FieldError("name", "Too short.")


def test_a_refusal_of_access_answers_404() -> None:
    with pytest.raises(Http404), submitting(_bound()):
        raise PermissionDenied


def test_a_rule_refusal_goes_to_the_page_or_on_to_the_caller() -> None:
    refusal = Refused([Violation(rule="plan.paused", message="The plan is paused.")])
    shown: list[Refused] = []
    with submitting(_bound(), refused=shown.append) as submitted:
        raise refusal
    assert shown == [refusal]
    assert not submitted.ok
    with pytest.raises(Refused), submitting(_bound()):
        raise refusal
