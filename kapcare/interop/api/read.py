"""metadata, read, search by patient, and Patient/{id}/$everything."""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import Field

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_events
from kapcare.core.api_fields import Text
from kapcare.core.api_schema import Schema
from kapcare.interop.access import access_client_categories, access_resource_owner
from kapcare.interop.api.base import FhirError, base_url, fhir_response
from kapcare.interop.fhir.bundle import searchset, with_referenced
from kapcare.interop.fhir.capability import capability_statement
from kapcare.interop.records import (
    CLIENT_TYPES,
    PRACTICE_TYPES,
    TYPES_BY_CATEGORY,
    categories_of,
    client_resources,
    practice_resources,
)
from kapcare.people.access import deny, staff_actor, visible_clients
from kapcare.people.policy import Category

router = Router(tags=["FHIR R4"])

FHIR_RESPONSES: dict[int, Any] = {200: dict, 400: dict, 401: dict, 404: dict}
_PATIENT = re.compile(r"^(?:Patient/)?([1-9][0-9]{0,17})$")
_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def _check_type(resource_type: str) -> None:
    if resource_type not in CLIENT_TYPES | PRACTICE_TYPES:
        raise FhirError(404, "not-supported", "This server does not serve that resource type.")


def _patient_id(value: str) -> int:
    match = _PATIENT.match(value.strip())
    if match is None:
        raise FhirError(400, "invalid", "patient must be a Patient id, e.g. patient=123.")
    return int(match[1])


@router.get("/metadata", auth=None, response=FHIR_RESPONSES, url_name="fhir_metadata")
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement: the resource types, interactions and operations served."""
    return fhir_response(
        capability_statement(
            base_url(request), client_types=CLIENT_TYPES, practice_types=PRACTICE_TYPES
        )
    )


@router.get("/Patient/{client_id}/$everything", response=FHIR_RESPONSES, url_name="fhir_everything")
def everything(request: HttpRequest, client_id: int) -> HttpResponse:
    """Every resource of the patient the reader may see, and what they refer to."""
    actor = staff_actor(request)
    detail = "fhir:everything"
    client, categories = access_client_categories(
        actor,
        client_id,
        [Category.DEMOGRAPHICS, *(c for c in TYPES_BY_CATEGORY if c != Category.DEMOGRAPHICS)],
        detail=detail,
    )
    if Category.DEMOGRAPHICS not in categories:
        raise deny(
            actor,
            client_id=client.pk,
            category=Category.DEMOGRAPHICS,
            action=AuditAction.READ,
            detail=detail,
        )
    resources = with_referenced(
        practice_resources(client.practice_id), client_resources(client, categories)
    )
    self_url = request.build_absolute_uri()
    return fhir_response(searchset(base_url(request), resources, self_url=self_url))


@router.get("/{resource_type}/{resource_id}", response=FHIR_RESPONSES, url_name="fhir_read")
def read(request: HttpRequest, resource_type: Text, resource_id: Text) -> HttpResponse:
    """One resource by its id."""
    actor = staff_actor(request)
    _check_type(resource_type)
    detail = f"fhir:read:{resource_type}"
    if resource_type in PRACTICE_TYPES:
        found = [
            r for r in practice_resources(actor.practice_id, resource_type=resource_type)
            if r["id"] == resource_id
        ]  # fmt: skip
        if not found:
            raise FhirError(404, "not-found", "No such resource.")
        return fhir_response(found[0])
    if not _ID.match(resource_id):
        raise deny(
            actor, category=categories_of(resource_type)[0], action=AuditAction.READ, detail=detail
        )
    client, category = access_resource_owner(actor, resource_type, resource_id, detail=detail)
    for resource in client_resources(client, [category], resource_type=resource_type):
        if resource["id"] == resource_id:
            return fhir_response(resource)
    raise deny(
        actor, client_id=client.pk, category=category, action=AuditAction.READ, detail=detail
    )


class SearchParams(Schema):
    patient: Text | None = Field(None, description="Patient id (123 or Patient/123).")
    subject: Text | None = Field(None, description="Same as patient.")
    id: Text | None = Field(None, alias="_id", description="Patient search: one id.")
    count: int = Field(50, alias="_count", ge=1, le=200, description="Patient list: page size.")
    offset: int = Field(0, alias="_offset", ge=0, description="Patient list: entries to skip.")


@router.get("/{resource_type}", response=FHIR_RESPONSES, url_name="fhir_search")
def search(request: HttpRequest, resource_type: Text, params: Query[SearchParams]) -> HttpResponse:
    """Search: practice resources, the patients one may see, or a type by patient."""
    actor = staff_actor(request)
    _check_type(resource_type)
    self_url = request.build_absolute_uri()
    detail = f"fhir:search:{resource_type}"
    if resource_type in PRACTICE_TYPES:
        resources = practice_resources(actor.practice_id, resource_type=resource_type)
        return fhir_response(searchset(base_url(request), resources, self_url=self_url))
    patient = params.patient or params.subject
    if resource_type == "Patient" and patient is None:
        return _patients(request, params, self_url)
    if patient is None:
        raise FhirError(400, "required", f"Search {resource_type} by patient: ?patient=123.")
    categories = categories_of(resource_type)
    client, readable = access_client_categories(
        actor, _patient_id(patient), categories, detail=detail
    )
    resources = client_resources(client, readable, resource_type=resource_type)
    return fhir_response(searchset(base_url(request), resources, self_url=self_url))


def _patients(request: HttpRequest, params: SearchParams, self_url: str) -> HttpResponse:
    actor = staff_actor(request)
    from kapcare.interop.fhir.patient import patient as patient_resource

    clients = visible_clients(actor, Category.DEMOGRAPHICS).order_by("id")
    if params.id is not None:
        if not _PATIENT.match(params.id):
            raise FhirError(400, "invalid", "_id must be a Patient id.")
        clients = clients.filter(pk=_patient_id(params.id))
    total = clients.count()
    page = list(clients[params.offset : params.offset + params.count])
    record_events(
        source=actor.audit_source,
        action=AuditAction.READ,
        client_ids=[c.pk for c in page],
        category=Category.DEMOGRAPHICS,
        detail="fhir:search:Patient",
    )
    resources = [patient_resource(c) for c in page]
    return fhir_response(searchset(base_url(request), resources, self_url=self_url, total=total))
