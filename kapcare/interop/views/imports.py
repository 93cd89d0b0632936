"""/clients/import/: check a file of clients (every problem by line and field), then
import them all or none; /clients/import/template.csv is the template to fill in."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.form_inputs import InputRules
from kapcare.interop.imports.rows import CSV_COLUMNS, CSV_TEMPLATE
from kapcare.interop.imports.service import Kind, import_clients
from kapcare.people import policy
from kapcare.people.access import deny, staff_actor
from kapcare.people.policy import Category

MAX_BYTES = 5_000_000


class ImportForm(InputRules, forms.Form):
    file = forms.FileField(
        label="File",
        help_text=(
            "A CSV file in the template's shape (.csv), or FHIR Patient resources "
            "(.ndjson or .json)."
        ),
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB: split it.")
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "Save the file as UTF-8 text and choose it again."
            ) from None


def _kind(request: HttpRequest) -> Kind:
    upload = request.FILES.get("file")
    name = str(getattr(upload, "name", "") or "").lower()
    return "csv" if name.endswith(".csv") else "fhir"


@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    actor = staff_actor(request)
    if not policy.may_create_clients(actor.roles):
        raise deny(
            actor, category=Category.DEMOGRAPHICS, action=AuditAction.CREATE, detail="import:page"
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_clients(
            actor=actor, kind=_kind(request),
            text=form.cleaned_data["file"], dry_run=request.POST.get("action") != "import",
            today=clock.today(),
        )  # fmt: skip
    status = (
        422
        if (request.method == "POST" and (form.errors or (result and not result.valid)))
        else 200
    )
    return render(
        request,
        "interop/import.html",
        {"form": form, "result": result, "columns": CSV_COLUMNS},
        status=status,
    )


@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    staff_actor(request)
    response = HttpResponse(CSV_TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kapcare-clients-template.csv"'
    return response
