"""How a page shows a service's refusal of one field on the form that sent it."""

from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from django import forms
from django.http import Http404

from kapcare.core.errors import FieldError, PermissionDenied
from kapcare.core.violations import Refused

__all__ = ["Submission", "add_field_error", "submitting"]


def add_field_error(form: forms.BaseForm, error: FieldError) -> None:
    """Put ``error`` on its field, or above the form when the form has no such field.

    A dotted service field (``scheduling.minimum_notice_hours``) is found under the form
    field that spells it with ``__``, the only way a form field's name can hold it.
    """
    for name in (error.field, error.field.replace(".", "__")):
        if name in form.fields:
            form.add_error(name, error.message)
            return
    form.add_error(None, error.message)


class submitting:  # lower case: read as a verb, ``with submitting(form) as submitted``
    """Make the service call of a submitted form, the way every page does.

    A :class:`FieldError` goes on the form (or to the callable given instead, for a form
    that places its errors its own way) and the page shows the form again; without a form
    it is the caller's to handle. :class:`PermissionDenied` answers 404, as a record the
    actor may not reach does everywhere: the service that refused has audited it already,
    so it is not audited twice. A rule's :class:`Refused` goes to ``refused`` when given
    (the page shows its violations), else on to the caller. ``ok`` on what ``with``
    binds tells whether the call went through.

    A class rather than ``@contextmanager``: a generator re-raising an exception sets its
    traceback, which a frozen ``FieldError`` refuses.
    """

    def __init__(
        self,
        form: forms.BaseForm | Callable[[FieldError], object] | None = None,
        *,
        refused: Callable[[Refused], object] | None = None,
    ) -> None:
        self._form = form
        self._refused = refused
        self._submission = Submission()

    def __enter__(self) -> "Submission":
        return self._submission

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if error is None:
            self._submission.ok = True
            return False
        if isinstance(error, FieldError) and self._form is not None:
            if isinstance(self._form, forms.BaseForm):
                add_field_error(self._form, error)
            else:
                self._form(error)
            return True
        if isinstance(error, Refused) and self._refused is not None:
            self._refused(error)
            return True
        if isinstance(error, PermissionDenied):
            raise Http404 from None
        return False


@dataclass
class Submission:
    """What became of the service call a page made: ``ok`` once it went through."""

    ok: bool = False
