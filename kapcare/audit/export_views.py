"""/verify/: is this PDF one the practice exported? (ONC 170.315(d)(8)), for staff.

The reader uploads the file (it is hashed as it arrives and never kept) or pastes its
SHA-256; either way the answer is at ``/verify/<sha256>/``, a URL holding only the hash.
The page also lists the reader's own latest PDFs with their hashes.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kapcare.audit.export_access import my_exports, verify_export
from kapcare.audit.exports import is_sha256, normalise_sha256, sha256_of_chunks
from kapcare.core.form_inputs import InputRules
from kapcare.people.access import staff_actor

TEMPLATE = "audit/verify.html"
# The largest PDF the practice makes (an audit report of 2,000 rows) is a few MB.
MAX_UPLOAD = 50 * 1024 * 1024
HASH_HELP = "64 letters and digits, as shown beside the document when it was exported."
NOT_A_HASH = "Enter the SHA-256 as 64 letters (a to f) and digits."


class VerifyForm(InputRules, forms.Form):
    document = forms.FileField(
        required=False,
        label="The PDF file",
        help_text="It is only read to compute its SHA-256, and is not kept.",
    )
    sha256 = forms.CharField(
        required=False, max_length=200, label="Or its SHA-256", help_text=HASH_HELP
    )

    def clean_document(self) -> object:
        upload = self.cleaned_data.get("document")
        if upload is not None and upload.size > MAX_UPLOAD:
            raise forms.ValidationError("This file is larger than any PDF KAP Care makes.")
        return upload

    def clean_sha256(self) -> str:
        typed = normalise_sha256(self.cleaned_data.get("sha256") or "")
        if typed and not is_sha256(typed):
            raise forms.ValidationError(NOT_A_HASH)
        return typed

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not self.errors and not data.get("document") and not data.get("sha256"):
            self.add_error("document", "Choose the PDF file, or enter its SHA-256 below.")
        return data

    def digest(self) -> str:
        upload = self.cleaned_data.get("document")
        if upload is not None:
            return sha256_of_chunks(upload.chunks())
        return str(self.cleaned_data["sha256"])


def _page(
    request: HttpRequest, form: VerifyForm, status: int = 200, **extra: object
) -> HttpResponse:
    actor = staff_actor(request)
    context = {"form": form, "mine": my_exports(actor), **extra}
    return render(request, TEMPLATE, context, status=status)


@require_http_methods(["GET", "POST"])
def verify_start(request: HttpRequest) -> HttpResponse:
    staff_actor(request)
    if request.method == "GET":
        return _page(request, VerifyForm())
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=422)
    return redirect("verify-export", sha256=form.digest())


@require_GET
def verify_result(request: HttpRequest, sha256: str) -> HttpResponse:
    actor = staff_actor(request)
    digest = normalise_sha256(sha256)
    if not is_sha256(digest):
        form = VerifyForm(data={"sha256": sha256})
        form.is_valid()
        return _page(request, form, status=422)
    if digest != sha256:
        return redirect("verify-export", sha256=digest)
    verification = verify_export(actor, digest, detail="verify-export")
    return _page(request, VerifyForm(), verification=verification)
