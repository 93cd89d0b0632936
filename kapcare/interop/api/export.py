"""Bulk Data $export: kick-off (system and Patient level), status with the manifest, files.

Kick-off answers 202 with the status URL in Content-Location; the status answers 202
with X-Progress until the job is done, then 200 with the manifest (each file's SHA-256
in its ``extension``). Only the person who started a job sees its status and files;
for anyone else it does not exist (audited 404).
"""

import datetime as dt

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Query, Router
from pydantic import Field

from kapcare.audit.models import AuditAction
from kapcare.core import clock
from kapcare.core.api_fields import Text
from kapcare.core.api_schema import Schema
from kapcare.core.ids import is_record_id
from kapcare.interop.api.base import FhirError, fhir_response, outcome
from kapcare.interop.exports import (
    ExportRefused,
    audit_download,
    file_lines,
    manifest,
    start_export,
)
from kapcare.interop.models import ExportFile, ExportJob, ExportLevel, ExportStatus
from kapcare.people.access import Actor, deny, staff_actor
from kapcare.people.policy import Category

router = Router(tags=["FHIR R4 bulk export"])

NDJSON = "application/fhir+ndjson"
RESPONSES: dict[int, object] = {200: dict, 202: None, 400: dict, 401: dict, 404: dict}


class KickOff(Schema):
    type: Text | None = Field(
        None, alias="_type", description="Resource types, comma-separated (default: all)."
    )
    output_format: Text | None = Field(None, alias="_outputFormat")
    since: Text | None = Field(None, alias="_since")


def _kick_off(request: HttpRequest, level: ExportLevel, params: KickOff) -> HttpResponse:
    actor = staff_actor(request)
    if params.output_format not in (None, "ndjson", NDJSON, "application/ndjson"):
        raise FhirError(400, "not-supported", "Only NDJSON output is offered (_outputFormat).")
    if params.since is not None:
        raise FhirError(400, "not-supported", "_since is not supported: export everything.")
    types = [t.strip() for t in (params.type or "").split(",") if t.strip()]
    try:
        job = start_export(actor=actor, level=level, types=types, now=clock.now())
    except ExportRefused as refused:
        raise FhirError(400, "not-supported", str(refused)) from None
    response = HttpResponse(status=202)
    response["Content-Location"] = request.build_absolute_uri(
        reverse("fhir:fhir_export_status", kwargs={"job_id": job.pk})
    )
    return response


@router.get("/$export", response=RESPONSES, url_name="fhir_export")
def export_system(request: HttpRequest, params: Query[KickOff]) -> HttpResponse:
    """Start a system-level export: the practice's resources and every patient's data
    the caller may see (asynchronous: poll the Content-Location)."""
    return _kick_off(request, ExportLevel.SYSTEM, params)


@router.get("/Patient/$export", response=RESPONSES, url_name="fhir_export_patients")
def export_patients(request: HttpRequest, params: Query[KickOff]) -> HttpResponse:
    """Start a Patient-level export: the data of every patient the caller may see."""
    return _kick_off(request, ExportLevel.PATIENT, params)


def access_job(actor: Actor, job_id: int) -> ExportJob:
    """The caller's own export job; anyone else's (or none) is an audited 404."""
    job = (
        ExportJob.objects.filter(pk=job_id, requested_by=actor.staff).first()
        if is_record_id(job_id) and actor.staff is not None
        else None
    )
    if job is None:
        raise deny(
            actor, category=Category.DEMOGRAPHICS, action=AuditAction.EXPORT, detail="fhir:export"
        )
    return job


def file_url(request: HttpRequest) -> str:
    placeholder = reverse("fhir:fhir_export_file", kwargs={"file_id": 1}).replace(
        "/1", "/{file_id}"
    )
    return request.build_absolute_uri(placeholder).replace("%7B", "{").replace("%7D", "}")


@router.get("/$export-status/{job_id}", response=RESPONSES, url_name="fhir_export_status")
def export_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """202 with X-Progress while the export runs; 200 with the manifest when it is ready."""
    actor = staff_actor(request)
    job = access_job(actor, job_id)
    if job.status == ExportStatus.FAILED:
        return outcome(500, "exception", "The export failed; start a new one.")
    if job.status != ExportStatus.COMPLETED:
        response = HttpResponse(status=202)
        response["X-Progress"] = f"{job.percent}% ({job.get_status_display().lower()})"
        response["Retry-After"] = "5"
        return response
    request_url = request.build_absolute_uri(
        reverse(
            "fhir:fhir_export" if job.level == ExportLevel.SYSTEM else "fhir:fhir_export_patients"
        )
    )
    body = manifest(job, file_url=file_url(request), request_url=request_url)
    response = fhir_response(body)
    response["Content-Type"] = "application/json"
    response["Expires"] = (clock.now() + dt.timedelta(days=7)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    return response


@router.get("/$export-file/{file_id}", response=RESPONSES, url_name="fhir_export_file")
def export_file(request: HttpRequest, file_id: int) -> StreamingHttpResponse:
    """One NDJSON file of a finished export; its download is audited as an export."""
    actor = staff_actor(request)
    found = (
        ExportFile.objects.select_related("job")
        .filter(pk=file_id, job__requested_by=actor.staff)
        .first()
        if is_record_id(file_id)
        else None
    )
    if found is None:
        raise deny(
            actor, category=Category.DEMOGRAPHICS, action=AuditAction.EXPORT, detail="fhir:export"
        )
    audit_download(actor, found)
    response = StreamingHttpResponse(file_lines(found), content_type=NDJSON)
    response["Content-Disposition"] = f'attachment; filename="{found.name}"'
    response["Content-Length"] = str(found.size)
    return response
