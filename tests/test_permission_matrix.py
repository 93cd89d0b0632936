"""The permission matrix: every URL pattern by every principal, from the URL resolver.

One table, ``MATRIX``: a row per URL pattern and HTTP method, a column per principal
(anonymous, then each staff role), each cell the expected status or a named redirect::

    # route / method anonymous   therapist   medical     monitor     front desk  privacy
    "people:client-new": (
        GET(    LOGIN,      200,        200,        404,        200,        404),

One test, ``test_permission_matrix``, walks it. Its cases come from ``get_resolver()``
(pages, the django-ninja API under /api/v1/ and the admin), so a URL pattern with no row
in ``MATRIX`` (or ``PREFIX_MATRIX``) fails: a new URL cannot ship without someone
deciding, here, who may open it. The care-team roles are on the world's client's care
team; front desk and privacy officer are practice-wide.

Each cell is checked with the request's other effects (``Rule.TABLE``):

* denials write nothing (no KAP Care table changes: row counts, and every row
  for POST/PUT/PATCH) and leak nothing (the client's name and email are not in
  the body);
* allowed writes do write;
* a signed-in person's 403/404 leaves a DENIED audit event naming them (and the
  client, on a client URL); an allowed client read or write leaves an event;
* care-team roles never see the name of a client whose team they are not on.

Three principals a row names only where they differ are walked under a rule of their own
(``_derived_rules``): a clinician off the client's care team on every client URL
(``Rule.OFF_TEAM``: 404, one DENIED event), a superuser without a staff record outside
the admin (``Rule.ADMIN_WITHOUT_STAFF``: no client data), and a portal client outside
the portal (``Rule.PORTAL_CLIENT_OUTSIDE``: 404, audited under their user).

Adding a URL: add its row to ``MATRIX`` (a ``GET(...)``, ``POST(...)``, ... per method,
a cell for every principal) and, if it has a new path parameter, a way to fill it in
``_values()``. A parameter naming a client's record belongs in
``CLIENT_RECORD_PARAMS``, so the off-team rule covers it too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from kapcare.accounts.models import User
from kapcare.accounts.tokens import issue_token
from kapcare.audit.models import AuditAction, AuditEvent, AuditOutcome
from kapcare.audit.services import AuditSource
from kapcare.core import clock
from kapcare.measures.tests import records as measure_records
from kapcare.pathway.models import Consent, ConsentDocument, TreatmentPlan
from kapcare.pathway.services import publish_practice_consent_document
from kapcare.pathway.vocabulary import ConsentKind
from kapcare.people.access import actor_for_user
from kapcare.people.models import Client
from kapcare.people.policy import CARE_TEAM_ROLES, Role
from kapcare.portal.models import CareTeamNotice
from kapcare.scheduling import services as scheduling
from kapcare.scheduling.vocabulary import AppointmentKind, Modality
from tests.factories import TEST_PASSWORD, make_emergency_access
from tests.page_words import assert_plain_words
from tests.world import World

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

    from kapcare.interop.models import ExportJob

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
# portal: a client signed in to the portal (the client role), linked to team_client.
# An entry names it only where the client may go (the portal); everywhere else
# the walk expects 404 (Rule.PORTAL_CLIENT_OUTSIDE).
CLIENT = "client"
ROLES = tuple(r.value for r in Role)
PRINCIPALS = (ANONYMOUS, *ROLES)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
SIGN_IN = "/accounts/sign-in/?next="
ADMIN_LOGIN = "/admin/login/?next="
LOGIN_PAGES = (SIGN_IN, ADMIN_LOGIN)


@dataclass(frozen=True)
class Expect:
    """An HTTP status and, for a redirect, the allowed starts of its Location."""

    status: int
    location: tuple[str, ...] = ()

    @property
    def denied(self) -> bool:
        if self.status == 302:
            return all(loc.startswith(LOGIN_PAGES) for loc in self.location)
        return self.status in {401, 403, 404, 405}


Body = Callable[[World], dict[str, object]]


@dataclass(frozen=True)
class Check:
    """One request (method and body) and its expected outcome per principal."""

    expect: Mapping[str, Expect]
    method: str = "GET"
    body: Body | None = None
    json: bool = False
    # Allowed, it changes client data; denied, it must change nothing.
    writes: bool = False
    # Allowed, it shows the team's client in a list, so a READ event must name it.
    lists_client: bool = False
    # A 403/404 here is "no such page" for everyone, not a refusal to audit.
    audits_denial: bool = True
    # Emergency access (people/emergency/): the one client URL a clinician off the care
    # team may use; on the team it refuses or sends to the chart. Left out of the off-team
    # walk; kapcare/people/tests/test_emergency_pages.py and test_emergency_api.py cover it.
    emergency_door: bool = False


# A cell of the table: a status (200, 404, ...) or a named redirect (below).
Cell = int | Expect


def _expect(cell: Cell) -> Expect:
    return cell if isinstance(cell, Expect) else Expect(cell)


@dataclass(frozen=True)
class _Method:
    """A row of the table for one HTTP method: a cell per principal, in ``PRINCIPALS``'
    order (anonymous, then each role as ``Role`` lists them)."""

    name: str

    def __call__(
        self,
        *cells: Cell,
        superuser: Cell | None = None,
        client: Cell | None = None,
        body: Body | None = None,
        json: bool = False,
        writes: bool = False,
        lists_client: bool = False,
        audits_denial: bool = True,
        emergency_door: bool = False,
    ) -> Check:
        if len(cells) != len(PRINCIPALS):
            raise ValueError(f"a row has a cell for each of {PRINCIPALS}, got {cells}")
        expect = dict(zip(PRINCIPALS, map(_expect, cells), strict=True))
        for principal, cell in ((SUPERUSER, superuser), (CLIENT, client)):
            if cell is not None:
                expect[principal] = _expect(cell)
        return Check(
            expect,
            method=self.name,
            body=body,
            json=json,
            writes=writes,
            lists_client=lists_client,
            audits_denial=audits_denial,
            emergency_door=emergency_door,
        )


GET, POST, PUT, PATCH, DELETE = map(_Method, ("GET", "POST", "PUT", "PATCH", "DELETE"))

# The redirects the table names: where an answer sends the browser.
LOGIN = Expect(302, (SIGN_IN,))  # the site's sign-in, coming back here after
ADM_LOGIN = Expect(302, (ADMIN_LOGIN,))  # the admin's own sign-in
ANY_LOGIN = Expect(302, LOGIN_PAGES)  # either sign-in
LOGIN_ADM = Expect(302, ("/accounts/sign-in/?next=/admin/",))  # the site's, then the admin
HOME = Expect(302, ("/",))
SIGNED_OUT = Expect(302, ("/accounts/sign-in/",))
# Changing a sign-in factor asks for the password again first (allauth's re-authentication).
REAUTH = Expect(302, ("/accounts/reauthenticate/",))
VERIFIED = Expect(302, (f"/verify/{'0' * 64}/",))
ADMIN = Expect(302, ("/admin/",))
APPTS = Expect(302, ("/appointments/",))
BILLING = Expect(302, ("/billing/settings/",))
CALENDAR = Expect(302, ("/calendar/",))
CHART = Expect(302, ("/clients/",))
COMPLETE = Expect(302, ("/complete/form/",))
DOCUMENTS = Expect(302, ("/practice/consent-documents/",))
EMERGENCY = Expect(302, ("/emergency-access/",))
EXPORTS = Expect(303, ("/exports/",))
INTAKE = Expect(302, ("/portal/intake/",))
JOURNAL = Expect(302, ("/portal/journal/",))
MEDICINE = Expect(302, ("/practice/medicine-settings/",))
NOTES = Expect(302, ("/notes/",))
PAUSE = Expect(302, ("/portal/pause/",))
PORTAL = Expect(302, ("/portal/",))
PRACTICE = Expect(302, ("/practice/",))
Q_DONE = Expect(302, ("/portal/questionnaires/done/",))
SCHEDULE = Expect(302, ("/schedule/staff/",))
SCHED_SET = Expect(302, ("/schedule/settings/",))
SEE_CHART = Expect(303, ("/clients/",))
SESSIONS = Expect(302, ("/portal/sessions/",))
TARGETS = Expect(302, ("/emdr-targets/",))
TEMPLATES = Expect(302, ("/intensives/templates/",))
TOKENS = Expect(302, ("/accounts/api-tokens/",))


def _new_client_form(world: World) -> dict[str, object]:
    return {
        "legal_given_name": "Newgiven",
        "legal_family_name": "Newfamily",
        "date_of_birth": "1985-05-05",
        "home_state": "PA",
        "status": "active",
    }


def _profile_form(world: World) -> dict[str, object]:
    c = world.client
    return {
        "legal_given_name": c.legal_given_name,
        "legal_family_name": c.legal_family_name,
        "preferred_name": "Changedname",
        "date_of_birth": c.date_of_birth.isoformat(),
        "home_state": c.home_state,
        "email": c.email,
        "status": c.status,
    }


def _new_client_json(world: World) -> dict[str, object]:
    return {
        "given_name": "Newgiven",
        "family_name": "Newfamily",
        "date_of_birth": "1985-05-05",
        "home_state": "PA",
        "care_team": [world.staff[Role.THERAPIST].pk],
    }


def _emergency_reason_form(world: World) -> dict[str, object]:
    return {"reason": "Client called in crisis."}


def _care_team_form(world: World) -> dict[str, object]:
    return {"change": "removed", "remove-staff": world.staff[Role.MONITOR].pk,
            "remove-reason": "Matrix test"}  # fmt: skip


def _care_team_json(world: World) -> dict[str, object]:
    return {"change": "removed", "staff": world.staff[Role.MONITOR].pk, "reason": "Matrix test"}


def _patch_json(world: World) -> dict[str, object]:
    return {"preferred_name": "Patchedname"}


def _session_start(*, days: int) -> dt.datetime:
    """10:00 in Pennsylvania, ``days`` from now (inside office hours, never in the past)."""
    local = dt.datetime.combine(
        clock.today() + dt.timedelta(days=days), dt.time(10), tzinfo=NEW_YORK
    )
    return local.astimezone(dt.UTC)


def _plan_json(world: World) -> dict[str, object]:
    return {"format": "ongoing", "status": "active", "modalities": ["kap", "parts_work"]}


def _consent_json(world: World) -> dict[str, object]:
    return {"kind": "kap_informed_consent", "signed_on": clock.today().isoformat(), "version": "2"}


def _revoke_json(world: World) -> dict[str, object]:
    return {"revoked_on": clock.today().isoformat()}


def _clearance_json(world: World) -> dict[str, object]:
    valid_until = clock.today() + dt.timedelta(days=90)
    # medicine: "cleared" needs a medical screening on file (issue 5); "not_cleared" is
    # always allowed, so this checks who may record a clearance, whatever the screening.
    return {"status": "not_cleared", "valid_until": valid_until.isoformat()}


def _dose_order_json(world: World) -> dict[str, object]:
    return {"route": "sublingual", "dose_mg": "100", "max_dose_mg": "200"}


def _booking_json(world: World) -> dict[str, object]:
    start = _session_start(days=4)
    return {
        "client": world.client.pk,
        "kind": "therapy",
        "modality": "telehealth",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(minutes=50)).isoformat(),
        "staff": [world.staff[Role.THERAPIST].pk],
        "client_location_state": "PA",
    }


def _cancel_json(world: World) -> dict[str, object]:
    return {"status": "cancelled", "reason": "The client asked to move it."}


def _gad7_answers(world: World) -> dict[str, object]:
    return {"answers": [0, 1, 2, 3, 0, 1, 2]}


def _admin_delete_form(world: World) -> dict[str, object]:
    return {"post": "yes"}


# --- measures in care (measures): bodies
def _measure_json(world: World) -> dict[str, object]:
    return {"instrument": "GAD-7", "answers": [0, 1, 2, 3, 0, 1, 2]}


def _measure_form(world: World) -> dict[str, object]:
    return {f"q{i}": str(v) for i, v in enumerate([0, 1, 2, 3, 0, 1, 2])}


def _review_json(world: World) -> dict[str, object]:
    return {"note": "Risk assessed with the client; safety plan reviewed."}


def _assignment_json(world: World) -> dict[str, object]:
    return {"instrument": "PHQ-9", "schedule": "monthly", "due_on": clock.today().isoformat()}


def _link_json(world: World) -> dict[str, object]:
    return {"instrument": "PHQ-9", "valid_for_hours": 48}


def _link_form(world: World) -> dict[str, object]:
    return {"instrument": "PHQ-9", "valid_for_days": "7"}


# --- intensives (planner): bodies
_INTENSIVE_PATTERN = [
    [
        {"activity": "preparation", "minutes": 60, "modality": "in_person"},
        {"activity": "closure", "minutes": 30, "modality": "in_person"},
    ]
]


def _intensive_template_json(world: World) -> dict[str, object]:
    return {"name": "One day", "pattern": _INTENSIVE_PATTERN}


def _intensive_plan_json(world: World) -> dict[str, object]:
    return {"earliest_start": clock.today().isoformat(), "pattern": _INTENSIVE_PATTERN}


def _intensive_request_json(world: World) -> dict[str, object]:
    return {
        "clients": [world.client.pk],
        "days": 1,
        "earliest_start": clock.today().isoformat(),
    }


def _intensive_grid(world: World) -> dict[str, object]:
    """The edit pages' grid of block slots for ``_INTENSIVE_PATTERN``."""
    grid: dict[str, object] = {"days": str(len(_INTENSIVE_PATTERN)), "action": "save"}
    for day, blocks in enumerate(_INTENSIVE_PATTERN, 1):
        for slot, block in enumerate(blocks, 1):
            for part, value in block.items():
                grid[f"day{day}_block{slot}_{part}"] = value
    return grid


def _intensive_plan_page_form(world: World) -> dict[str, object]:
    return {**_intensive_grid(world), "earliest_start": clock.today().isoformat()}


def _intensive_template_form(world: World) -> dict[str, object]:
    return {**_intensive_grid(world), "name": "A day"}


def _intensive_template_of(world: World) -> int:
    """intensives: a pattern template of the world's practice."""
    from kapcare.intensives.models import PatternTemplate

    front_desk = world.staff[Role.FRONT_DESK]
    return PatternTemplate.objects.create(
        practice_id=front_desk.practice_id,
        name="One day",
        pattern=_INTENSIVE_PATTERN,
        updated_by=front_desk,
        updated_at=clock.now(),
    ).pk


def _intensive_plan_form(world: World) -> dict[str, object]:
    return {
        "clients": [world.client.pk],
        "days": "3",
        "earliest_start": clock.today().isoformat(),
        "action": "plan",
    }


def _intensive_booking_json(world: World) -> dict[str, object]:
    return {"appointments": [_booking_json(world)]}


# --- scheduling pages (sched-ui): bodies


def _booking_form(world: World) -> dict[str, object]:
    start = _session_start(days=4).astimezone(NEW_YORK)
    return {
        "client": world.client.pk,
        "kind": "therapy",
        "modality": "telehealth",
        "date": start.date().isoformat(),
        "start_time": "10:00",
        "end_time": "10:50",
        "staff": [world.staff[Role.THERAPIST].pk],
        "client_location_state": "PA",
        "action": "book",
    }


def _reschedule_form(world: World) -> dict[str, object]:
    start = _session_start(days=3).astimezone(NEW_YORK)
    return {
        "date": start.date().isoformat(),
        "start_time": "14:00",
        "end_time": "14:50",
        "staff": [world.staff[Role.THERAPIST].pk],
    }


def _reschedule_json(world: World) -> dict[str, object]:
    start = _session_start(days=3) + dt.timedelta(hours=4)
    return {"start": start.isoformat(), "end": (start + dt.timedelta(minutes=50)).isoformat()}


def _plan_form(world: World) -> dict[str, object]:
    return {"format": "ongoing", "modalities": ["kap", "parts_work"]}


def _pause_form(world: World) -> dict[str, object]:
    return {"status": "paused"}


def _consent_form(world: World) -> dict[str, object]:
    return {"kind": "kap_informed_consent", "version": "2", "signed_on": clock.today().isoformat()}


# --- medicine sessions (medicine): bodies and the record's appointment


def _medicine_now() -> str:
    return clock.now().isoformat()


def _medicine_checklist_json(world: World) -> dict[str, object]:
    return {"identity_confirmed": True, "fasting_confirmed": True, "escort_name": "A. Friend",
            "no_driving_agreed": True, "intention": "Curiosity"}  # fmt: skip


def _medicine_vitals_json(world: World) -> dict[str, object]:
    return {"at": _medicine_now(), "systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 98}


def _medicine_dose_json(world: World) -> dict[str, object]:
    return {"at": _medicine_now(), "route": "sublingual", "dose_mg": "100", "lot": "L1"}


def _medicine_observation_json(world: World) -> dict[str, object]:
    return {"at": _medicine_now(), "dissociation": 3, "note": "Calm."}


def _medicine_adverse_json(world: World) -> dict[str, object]:
    return {"at": _medicine_now(), "kind": "nausea_vomiting", "severity": "mild", "action": "Rest."}


def _medicine_discharge_json(world: World) -> dict[str, object]:
    return {"at": _medicine_now(), "alert_oriented": True, "steady_gait": True,
            "escort_present": True}  # fmt: skip


def _medicine_addendum_json(world: World) -> dict[str, object]:
    return {"text": "Late entry."}


def _medicine_empty_json(world: World) -> dict[str, object]:
    return {}


def _medicine_sign_json(world: World) -> dict[str, object]:
    return {"password": TEST_PASSWORD}  # every staff member's, in the world


def _medical_screening_json(world: World) -> dict[str, object]:
    return {"answers": {}, "pregnancy_status": "not_applicable"}


def _medicine_vitals_form(world: World) -> dict[str, object]:
    at = clock.now().astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")
    return {"form": "vitals", "vitals-at": at, "vitals-systolic": 120, "vitals-diastolic": 80,
            "vitals-heart_rate": 70, "vitals-spo2": 98}  # fmt: skip


def _medical_screening_form(world: World) -> dict[str, object]:
    from kapcare.pathway.services import screening_items

    form: dict[str, object] = {"form": "screening", "screening-pregnancy_status": "unknown"}
    for code, _, _ in screening_items():
        form[f"screening-answer_{code.removeprefix('contraindication.')}"] = "unknown"
    return form


def _medicine_appointment_of(world: World, client: Client) -> int:
    from kapcare.medicine.tests.fixtures import ready_medicine_appointment

    # Only the therapist is booked on it: the monitor's same-day access must not open
    # the record of a client whose care team they are not on.
    return ready_medicine_appointment(
        client, world.staff, start=clock.now() - dt.timedelta(minutes=30),
        booked=[world.staff[Role.THERAPIST]],
    ).pk  # fmt: skip


def _medicine_settings_form() -> dict[str, object]:
    from kapcare.medicine.practice_settings import setting_rows

    form: dict[str, object] = {row.name: row.value for row in setting_rows({})}
    return {**form, "alert_spo2_below": 90, "reason": "Matrix test"}


# --- end medicine


# --- portal: the client's own pages; every staff member gets 404 (audited).


def _sign_form(world: World) -> dict[str, object]:
    return {"agree": "on", "typed_name": "Marigold Teamclientsson"}


def _consent_document_of(world: World) -> ConsentDocument:
    return ConsentDocument.objects.filter(
        practice=world.client.practice, kind=ConsentKind.KAP_INFORMED_CONSENT.value
    ).first() or publish_practice_consent_document(
        practice=world.client.practice,
        kind=ConsentKind.KAP_INFORMED_CONSENT,
        title="Informed consent",
        body="The text.",
        now=clock.now(),
        published_by=None,
        source=AuditSource(user=None, source_ip=None),
    )


def _portal_signed_consent_of(world: World, client: Client) -> int:
    document = _consent_document_of(world)
    return Consent.objects.create(
        client=client,
        kind=document.kind,
        version=document.version,
        signed_on=clock.today(),
        recorded_at=clock.now(),
        document=document,
        signed_name="Typed Name",
        signed_at=clock.now(),
        document_sha256=document.sha256,
    ).pk


# --- portal access (invitations): staff who may change the client's details invite and


def _intake_draft(world: World) -> dict[str, object]:
    return {"goals": "To feel safe when someone gets close.", "action": "save"}


def _intake_to_send_blank(world: World) -> dict[str, object]:
    return {
        "phone": "610-555-0100", "emergency_contact_name": "Ash Example",
        "emergency_contact_phone": "610-555-0101", "goals": "To feel safe.", "medications": " ",
    }  # fmt: skip


def _phq9_form(world: World) -> dict[str, object]:
    return {f"q{i}": "0" for i in range(9)}


# --- portal: intentions and journal (the client's own), and what the care team reads.


def _journal_form(world: World) -> dict[str, object]:
    return {"body": "I would like to stay curious about the part that braces."}


def _journal_json(world: World) -> dict[str, object]:
    return {"kind": "journal", "body": "Something softened.", "share": False}


def _journal_entry_of(world: World, client: Client) -> int:
    from kapcare.portal.models import JournalEntry

    return JournalEntry.objects.create(
        client=client, kind="journal", body="Private words.", written_at=clock.now()
    ).pk


# --- portal: sessions (list, calendar file, cancel, location, book, ask), pause, learn.


def _portal_session_of(world: World, client: Client) -> int:
    """A video therapy session of ``client`` in three days (telehealth consent recorded)."""
    from kapcare.portal.tests.fixtures import book_video_therapy

    return book_video_therapy(client, world.staff, days=3).pk


def _cancel_form(world: World) -> dict[str, object]:
    return {"reason": "Travelling."}


def _note_json(world: World) -> dict[str, object]:
    return {"note": "Tuesdays suit me."}


# --- the practice's consent documents: front desk and the clinicians (who write them).


def _document_form(world: World) -> dict[str, object]:
    return {"title": "Informed consent", "body": "The new text."}


def _document_json(world: World) -> dict[str, object]:
    return {"kind": "financial", "title": "Financial agreement", "body": "The fees."}


_DENIED_STATUSES = {403, 404}
# Path parameters that name a client or one of a client's records.
CLIENT_RECORD_PARAMS = frozenset(
    {
        "client_id",
        "resource_id",
        "consent_id",
        "appointment_id",
        "medicine_appointment_id",
        "flag_id",
        "assignment_id",
        "link_id",
        "notice_id",  # portal: a notice to the care team
    }
)
# What a request tries to do, as audit actions: a refused one must not be audited as done.
_ATTEMPTED = {
    "GET": {AuditAction.READ},
    "POST": {AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE},
    "PATCH": {AuditAction.UPDATE},
    "PUT": {AuditAction.CREATE, AuditAction.UPDATE},
    "DELETE": {AuditAction.DELETE},
}


# --- therapy (issue 10): session notes, supervision, parts, EMDR targets. Clinical data:
# therapist and medical provider on the team; the note's author alone writes and signs it
# (the medical provider, who may read it, is refused with the rule's reasons).


def _therapy_note_of(world: World, client: Client) -> int:
    from kapcare.notes.models import SessionNote
    from kapcare.notes.tests.fixtures import held_appointment

    therapist = world.staff[Role.THERAPIST]
    now = clock.now()
    return SessionNote.objects.create(
        client=client, appointment=held_appointment(client, therapist), kind="preparation",
        author=therapist, risk_level="none", created_at=now, updated_at=now,
    ).pk  # fmt: skip


def _therapy_part_of(world: World, client: Client) -> int:
    from kapcare.notes.models import Part

    now = clock.now()
    return Part.objects.create(
        client=client, name="Guard", role="manager", created_by=world.staff[Role.THERAPIST],
        created_at=now, updated_at=now,
    ).pk  # fmt: skip


def _therapy_target_json(world: World) -> dict[str, object]:
    return {"image": "Door", "negative_cognition": "I am alone", "positive_cognition": "I can",
            "voc": 2, "emotion": "Dread", "sud": 7, "prong": "past"}  # fmt: skip


def _therapy_target_of(world: World, client: Client) -> int:
    from kapcare.notes.models import EmdrTarget

    return EmdrTarget.objects.create(
        client=client, **{k: v for k, v in _therapy_target_json(world).items()},
        created_by=world.staff[Role.THERAPIST], created_at=clock.now(),
    ).pk  # fmt: skip


def _therapy_session_json(world: World) -> dict[str, object]:
    return {"held_at": clock.now().isoformat(), "phase_reached": "desensitization",
            "sud_start": 7, "sud_end": 2, "voc_start": 3, "voc_end": 6,
            "bls_type": "eye_movements", "bls_sets": 12, "closure": "complete"}  # fmt: skip


def _therapy_psychotherapy_note_of(world: World, client: Client) -> int:
    from kapcare.notes.crypto import KeyRing
    from kapcare.notes.models import PsychotherapyNote

    author = world.staff[Role.THERAPIST]
    sealed = KeyRing.from_environment().seal("Process note", client_id=client.pk,
                                             author_id=author.pk)  # fmt: skip
    return PsychotherapyNote.objects.create(
        client=client, author=author, key_id=sealed.key_id, nonce=sealed.nonce,
        ciphertext=sealed.ciphertext, created_at=clock.now(),
    ).pk  # fmt: skip


def _therapy_session_form(world: World) -> dict[str, object]:
    from django.utils import timezone

    held = timezone.localtime(clock.now() - dt.timedelta(hours=1))
    return {**_therapy_session_json(world), "held_at": held.strftime("%Y-%m-%dT%H:%M")}


_PART_FORM: Body = lambda w: {"name": "Guard", "role": "manager", "permission": "granted"}  # noqa: E731

CLIENT_RECORD_PARAMS |= {"note_id", "part_id", "target_id", "psychotherapy_note_id"}


# Diagnoses (wave 2): the page and resolving, for the clinicians on the team.
def _diagnosis_of(world: World, client: Client) -> int:
    from kapcare.pathway.models import Diagnosis

    return Diagnosis.objects.create(
        client=client, code="F43.10", description="Post-traumatic stress disorder, unspecified",
        noted_on=dt.date(2026, 1, 5), recorded_by=world.staff[Role.THERAPIST],
        recorded_at=clock.now(),
    ).pk  # fmt: skip


CLIENT_RECORD_PARAMS |= {"diagnosis_id"}


# The treatment plan deepened (wave 2): the team's clinicians read and write it. The
# world's client has no plan, so a change to it is refused with the reason (422: write
# the plan first); a goal (goal_id) comes with its plan.
def _plan_goal_of(world: World, client: Client) -> int:
    from tests.factories import make_plan, make_plan_goal

    plan = TreatmentPlan.objects.filter(client=client).first() or make_plan(
        client=client, updated_by=world.staff[Role.THERAPIST]
    )
    return make_plan_goal(plan=plan, created_by=world.staff[Role.THERAPIST]).pk


def _plan_review_json(world: World) -> dict[str, object]:
    today = clock.today()
    return {"reviewed_on": today.isoformat(),
            "next_review_on": (today + dt.timedelta(days=90)).isoformat(), "goals": []}  # fmt: skip


CLIENT_RECORD_PARAMS |= {"goal_id", "problem_id", "intervention_id"}


def _plan_problem_of(world: World, client: Client) -> int:
    from tests.factories import make_plan, make_plan_problem

    plan = TreatmentPlan.objects.filter(client=client).first() or make_plan(
        client=client, updated_by=world.staff[Role.THERAPIST]
    )
    return make_plan_problem(plan=plan, created_by=world.staff[Role.THERAPIST]).pk


def _plan_intervention_of(world: World, client: Client) -> int:
    from tests.factories import make_plan, make_plan_intervention

    plan = TreatmentPlan.objects.filter(client=client).first() or make_plan(
        client=client, updated_by=world.staff[Role.THERAPIST]
    )
    return make_plan_intervention(plan=plan, created_by=world.staff[Role.THERAPIST]).pk


def _only_diagnosis() -> int:
    from kapcare.pathway.models import Diagnosis

    return Diagnosis.objects.order_by("-id").values_list("pk", flat=True).first() or 0


def _therapy_values(world: World, client: Client) -> Mapping[str, Callable[[], object]]:
    return {
        "diagnosis_id": lambda: _diagnosis_of(world, client),
        "goal_id": lambda: _plan_goal_of(world, client),
        "problem_id": lambda: _plan_problem_of(world, client),
        "intervention_id": lambda: _plan_intervention_of(world, client),
        "note_id": lambda: _therapy_note_of(world, client),
        "part_id": lambda: _therapy_part_of(world, client),
        "target_id": lambda: _therapy_target_of(world, client),
        "psychotherapy_note_id": lambda: _therapy_psychotherapy_note_of(world, client),
    }


# Who may open what: one row per URL and method, one column per principal (the cell is
# the expected status, or a named redirect). A portal client's (``client=``) and an
# administrator's (``superuser=``) outcomes are named only where they differ from the
# walk's rule for them (see ``_cases``).
# The rows are read as a matrix: ruff format would undo their columns.
# fmt: off
MATRIX: dict[str, tuple[Check, ...]] = {
    # route / method anonymous   therapist   medical     monitor     front desk  privacy
    # Who may open what. Keys are "namespace:name" as the URL resolver spells them.
    "healthz": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    # A path under the APIs that no operation matches: their own 404 (issue 12, finding 10).
    "api-unknown": (
        GET(    404,        404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "fhir-unknown": (
        GET(    404,        404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    # How long until the idle sign-out (GET), "I am here" (POST): no data, anyone may ask.
    "session-status": (
        GET(    200,        200,        200,        200,        200,        200),
        POST(   200,        200,        200,        200,        200,        200),
    ),
    "livez": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "home": (
        GET(    LOGIN,      200,        200,        200,        200,        200, lists_client=True),
    ),
    # --- accounts
    "accounts:sign-in": (
        GET(    200,        HOME,       HOME,       HOME,       HOME,       HOME),
    ),
    # sign-out is POST only
    "accounts:sign-out": (
        GET(    LOGIN,      405,        405,        405,        405,        405),
        POST(   LOGIN,      SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT),
    ),
    "accounts:change-password": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "accounts:password-changed": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    # My API tokens: every staff member's own; a portal client has no API, so 404.
    "accounts:api-tokens": (
        GET(    LOGIN,      200,        200,        200,        200,        200, client=404),
        POST(   LOGIN,      201,        201,        201,        201,        201,
                client=404, body=lambda w: {"name": "matrix", "days": "30"}, writes=True),
    ),
    # the token is the therapist's: nobody else's to revoke
    "accounts:api-token-revoke": (
        GET(    LOGIN,      405,        405,        405,        405,        405, client=405),
        POST(   LOGIN,      TOKENS,     404,        404,        404,        404,
                client=404, writes=True),
    ),
    "api:list_my_api_tokens": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:revoke_my_api_token": (
        POST(   401,        200,        404,        404,        404,        404,
                json=True, writes=True),
    ),
    # --- allauth's names for our sign-in pages, and its reset and second-factor pages
    "account_login": (
        GET(    200,        HOME,       HOME,       HOME,       HOME,       HOME),
    ),
    "account_logout": (
        GET(    LOGIN,      405,        405,        405,        405,        405),
        POST(   LOGIN,      SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT, SIGNED_OUT),
    ),
    "account_change_password": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "account_reset_password": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "account_reset_password_done": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    # "this link is not valid"
    "account_reset_password_from_key": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "account_reset_password_from_key_done": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "account_reauthenticate": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "mfa_index": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    # Only in the middle of a sign-in; otherwise back to where one belongs.
    "mfa_authenticate": (
        GET(    SIGNED_OUT, HOME,       HOME,       HOME,       HOME,       HOME),
    ),
    "mfa_reauthenticate": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    "mfa_activate_totp": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    # Nothing to turn off or show before an app is set up: "no such page", not a refusal.
    "mfa_deactivate_totp": (
        GET(    LOGIN,      404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "mfa_view_recovery_codes": (
        GET(    LOGIN,      404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "mfa_download_recovery_codes": (
        GET(    LOGIN,      404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "mfa_generate_recovery_codes": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    "mfa_list_webauthn": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "mfa_add_webauthn": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    "mfa_reauthenticate_webauthn": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    "mfa_remove_webauthn": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    "mfa_edit_webauthn": (
        GET(    LOGIN,      REAUTH,     REAUTH,     REAUTH,     REAUTH,     REAUTH),
    ),
    # --- staff pages
    "people:client-new": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        CHART,      404,
                body=_new_client_form, writes=True),
    ),
    # The chart is clinical: care team only; front desk and privacy officer are refused.
    "people:client-chart": (
        GET(    LOGIN,      200,        200,        200,        404,        404),
    ),
    # The chart's parts (its panels, loaded by requests of their own): gated as the chart.
    "people:client-chart-treatment": (
        GET(    LOGIN,      200,        200,        200,        404,        404),
    ),
    "people:client-chart-notes": (
        GET(    LOGIN,      200,        200,        200,        404,        404),
    ),
    "people:client-profile": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      CHART,      CHART,      404,        CHART,      404,
                body=_profile_form, writes=True),
    ),
    # The care team: everyone who sees the client's details sees it and its history; front
    # desk and the clinicians on the team change it (a monitor and the privacy officer
    # are refused).
    "people:client-care-team": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      CHART,      CHART,      404,        CHART,      404,
                body=_care_team_form, writes=True),
    ),
    "people:practice": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    # Emergency access: clinicians ask (on the team: sent to the chart, which is theirs).
    "people:emergency-access": (
        GET(    LOGIN,      CHART,      CHART,      CHART,      404,        404,
                body=_emergency_reason_form, emergency_door=True),
        POST(   LOGIN,      CHART,      CHART,      CHART,      404,        404,
                body=_emergency_reason_form, emergency_door=True),
    ),
    # The privacy officer's review list, and marking one reviewed.
    "people:emergency-review": (
        GET(    LOGIN,      404,        404,        404,        404,        200),
    ),
    "people:emergency-access-review": (
        POST(   LOGIN,      404,        404,        404,        404,        EMERGENCY,
                body=lambda world: {}, writes=True),
    ),
    # Checking an exported PDF by its SHA-256 (ADR 0025): any staff member; the client is
    # named only to those who may see them (kapcare/audit/tests/test_exports.py).
    "verify": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      VERIFIED,   VERIFIED,   VERIFIED,   VERIFIED,   VERIFIED,
                body=lambda w: {"sha256": "0" * 64}),
    ),
    "verify-export": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "api:verify_exported_document": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "audit:log": (
        GET(    LOGIN,      404,        404,        404,        404,        200),
    ),
    # Who looked at a client's record: the privacy officer's report.
    "audit:client-access": (
        GET(    LOGIN,      404,        404,        404,        404,        200),
    ),
    # --- the API
    "api:api-root": (
        GET(    404,        404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    # the schema holds no data
    "api:openapi-json": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "api:openapi-view": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "api:list_clients": (
        GET(    401,        200,        200,        200,        200,        200, lists_client=True),
    ),
    "api:create_client": (
        POST(   401,        201,        201,        403,        201,        403,
                body=_new_client_json, json=True, writes=True),
    ),
    "api:get_client": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:update_client": (
        PATCH(  401,        200,        200,        403,        200,        403,
                body=_patch_json, json=True, writes=True),
    ),
    "api:list_care_team_changes": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:change_care_team": (
        POST(   401,        201,        201,        403,        201,        403,
                body=_care_team_json, json=True, writes=True),
    ),
    "api:list_locations": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:list_rooms": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:list_staff": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    # Emergency access: on the team a clinician needs none (422); practice-wide roles gain
    # nothing by it (403). The review list and the review: the privacy officer's.
    "api:request_emergency_access": (
        POST(   401,        422,        422,        422,        403,        403,
                body=lambda world: {"reason": "Client called in crisis."}, json=True,
                emergency_door=True),
    ),
    "api:list_emergency_accesses": (
        GET(    401,        404,        404,        404,        404,        200),
    ),
    "api:review_emergency_access": (
        POST(   401,        404,        404,        404,        404,        200,
                body=lambda world: {"note": "Checked with the therapist."}, json=True,
                writes=True),
    ),
    "api:list_audit_events": (
        GET(    401,        404,        404,        404,        404,        200),
    ),
    # Instruments and stateless scoring: no client data, any staff member.
    "api:list_instruments": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:score_instrument": (
        POST(   401,        200,        200,        200,        200,        200,
                body=_gad7_answers, json=True),
    ),
    # --- the pathway and appointments (scheduling); clinical records need the care team
    "api:put_plan": (
        PUT(    401,        200,        200,        404,        404,        404,
                body=_plan_json, json=True, writes=True),
    ),
    "api:post_consent": (
        POST(   401,        201,        201,        404,        404,        404,
                body=_consent_json, json=True, writes=True),
    ),
    "api:revoke_consent": (
        POST(   401,        200,        200,        404,        404,        404,
                body=_revoke_json, json=True, writes=True),
    ),
    # Medical providers only; a therapist on the team may see the record, so 403.
    "api:post_clearance": (
        POST(   401,        403,        201,        404,        404,        404,
                body=_clearance_json, json=True, writes=True),
    ),
    "api:post_dose_order": (
        POST(   401,        403,        201,        404,        404,        404,
                body=_dose_order_json, json=True, writes=True),
    ),
    # Schedules: the care team and front desk; the privacy officer sees no schedules.
    "api:check_appointment": (
        POST(   401,        200,        200,        200,        200,        404,
                body=_booking_json, json=True),
    ),
    "api:book_appointment": (
        POST(   401,        201,        201,        201,        201,        404,
                body=_booking_json, json=True, writes=True),
    ),
    "api:set_status": (
        POST(   401,        200,        200,        200,        200,        404,
                body=_cancel_json, json=True, writes=True),
    ),
    "api:list_appointments": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    # --- intensives (planner): templates are the practice's; a plan is schedule data.
    # The world has no intensive plan, so reading one is 404 for everyone (audited).
    "api:list_templates": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:post_template": (
        POST(   401,        201,        201,        403,        201,        403,
                body=_intensive_template_json, json=True, writes=True),
    ),
    # The planning page: whoever schedules (not the privacy officer). The world's client
    # has no intensive plan, so the form is shown again (nothing planned, nothing written).
    "intensives:plan": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      200,        200,        200,        200,        404,
                body=_intensive_plan_form),
    ),
    "api:get_intensive_plan": (
        GET(    401,        404,        404,        404,        404,        404),
    ),
    # The edit pages: a client's intensive plan is schedule data (the team, the front
    # desk); templates are the practice's, changed by the front desk and clinicians.
    "intensives:client-plan": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      CHART,      CHART,      CHART,      CHART,      404,
                body=_intensive_plan_page_form, writes=True),
    ),
    "intensives:templates": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
    ),
    "intensives:template-new": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      TEMPLATES,  TEMPLATES,  404,        TEMPLATES,  404,
                body=_intensive_template_form),
    ),
    "intensives:template-edit": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      TEMPLATES,  TEMPLATES,  404,        TEMPLATES,  404,
                body=_intensive_template_form),
    ),
    "api:get_template": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:put_template": (
        PUT(    401,        200,        200,        403,        200,        403,
                body=_intensive_template_json, json=True),
    ),
    # Planning reads the clients' schedules and writes nothing: the world's client has
    # no intensive plan, so those who may plan are refused with the reason (422).
    "api:plan_intensives": (
        POST(   401,        422,        422,        422,        422,        404,
                body=_intensive_request_json, json=True),
    ),
    "api:book_intensives": (
        POST(   401,        201,        201,        201,        201,        404,
                body=_intensive_booking_json, json=True, writes=True),
    ),
    "api:put_intensive_plan": (
        PUT(    401,        200,        200,        200,        200,        404,
                body=_intensive_plan_json, json=True, writes=True),
    ),
    # --- measures in care (measures): measures and assignments are clinical (therapist and
    # medical provider on the team); risk flags are safety (the monitor sees them too) and
    # only clinicians review them. The completion link is public: the token is the key.
    # The link's token is traded for a session entry, then the form is at a fixed URL;
    # without a link opened in this session there is no form (404, nobody to audit).
    "measures:complete": (
        GET(    COMPLETE,   COMPLETE,   COMPLETE,   COMPLETE,   COMPLETE,   COMPLETE),
    ),
    "measures:complete-form": (
        GET(    404,        404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "measures:complete-done": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "measures:enter": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_measure_form, writes=True),
    ),
    "measures:assign": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=lambda w: {**_assignment_json(w), "schedule": "once"}, writes=True),
    ),
    "measures:end-assignment": (
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404, writes=True),
    ),
    "measures:issue-link": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      200,        200,        404,        404,        404,
                body=_link_form, writes=True),
    ),
    "measures:withdraw-link": (
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404, writes=True),
    ),
    "measures:review-flag": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_review_json, writes=True),
    ),
    "api:record_measure": (
        POST(   401,        201,        201,        404,        404,        404,
                body=_measure_json, json=True, writes=True),
    ),
    "api:list_measures": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:list_risk_flags": (
        GET(    401,        200,        200,        200,        404,        404),
    ),
    "api:review_risk_flag": (
        POST(   401,        200,        200,        403,        404,        404,
                body=_review_json, json=True, writes=True),
    ),
    "api:list_measure_assignments": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:create_measure_assignment": (
        POST(   401,        201,        201,        404,        404,        404,
                body=_assignment_json, json=True, writes=True),
    ),
    "api:end_measure_assignment": (
        POST(   401,        200,        200,        404,        404,        404,
                json=True, writes=True),
    ),
    "api:withdraw_measure_link": (
        POST(   401,        200,        200,        404,        404,        404,
                json=True, writes=True),
    ),
    "api:issue_measure_link": (
        POST(   401,        201,        201,        404,        404,        404,
                body=_link_json, json=True, writes=True),
    ),
    # --- staff schedules, availability, calendar feeds, practice settings (sched-more)
    # Staff-only data: everyone their own working hours, time off and feed; front desk
    # everyone's (people.policy.may_manage_staff_schedules). {staff_id} is the therapist's.
    "scheduling:my-hours": (
        GET(    LOGIN,      SCHEDULE,   SCHEDULE,   SCHEDULE,   SCHEDULE,   SCHEDULE),
    ),
    "scheduling:staff-hours": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      SCHEDULE,   404,        404,        SCHEDULE,   404,
                body=lambda w: _sched_more_time_off_form(), writes=True),
    ),
    "scheduling:availability": (
        GET(    LOGIN,      200,        200,        200,        200,        404, lists_client=True),
    ),
    "scheduling:feed-settings": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      200,        200,        200,        200,        200,
                body=lambda w: {"action": "rotate"}, writes=True),
    ),
    "scheduling:practice-settings": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      404,        404,        404,        SCHED_SET,  404,
                body=lambda w: _sched_more_settings_form(), writes=True),
    ),
    # The feed needs no sign-in: its secret is the key; an unknown one is 404 for all.
    "scheduling:feed": (
        GET(    404,        404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "api:get_working_hours": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:put_working_hours": (
        PUT(    401,        200,        404,        404,        200,        404,
                body=lambda w: {"windows": []}, json=True),
    ),
    "api:get_video_room": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:put_video_room": (
        PUT(    401,        200,        404,        404,        200,        404,
                body=lambda w: {"url": "https://video.example.com/room/test"}, json=True),
    ),
    "api:list_time_off": (
        GET(    401,        200,        404,        404,        200,        404),
    ),
    "api:add_time_off": (
        POST(   401,        201,        404,        404,        201,        404,
                body=lambda w: {"start": "2031-01-01T00:00:00Z", "end": "2031-01-02T00:00:00Z"},
                json=True, writes=True),
    ),
    "api:delete_time_off": (
        DELETE( 401,        200,        404,        404,        200,        404,
                json=True, writes=True),
    ),
    "api:get_calendar_feed": (
        GET(    401,        200,        404,        404,        200,        404),
    ),
    "api:rotate_calendar_feed": (
        POST(   401,        201,        404,        404,        201,        404,
                json=True, writes=True),
    ),
    "api:revoke_calendar_feed": (
        DELETE( 401,        200,        404,        404,        200,        404, json=True),
    ),
    # Without its query (client, kind, ...) the search is a 422 for everyone signed in.
    "api:search_availability": (
        GET(    401,        422,        422,        422,        422,        422),
    ),
    "api:get_scheduling_settings": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:put_scheduling_settings": (
        PUT(    401,        403,        403,        403,        200,        403,
                body=lambda w: {"overrides": {"ongoing.preparation_sessions": 3}, "reason": "Test"},
                json=True, writes=True),
    ),
    # --- end sched-more
    "api:reschedule_appointment": (
        POST(   401,        200,        200,        200,        200,        404,
                body=_reschedule_json, json=True, writes=True),
    ),
    # --- scheduling pages (sched-ui): schedules for the care team and front desk,
    # the plan and consents for clinicians on the team (as the API)
    "scheduling:calendar": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
    ),
    "scheduling:book": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      CHART,      CHART,      CHART,      CALENDAR,   404,
                body=_booking_form, writes=True),
    ),
    "scheduling:reschedule": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      CHART,      CHART,      CHART,      CALENDAR,   404,
                body=_reschedule_form, writes=True),
    ),
    "scheduling:appointment-status": (
        GET(    LOGIN,      200,        200,        200,        200,        404),
        POST(   LOGIN,      CHART,      CHART,      CHART,      CALENDAR,   404,
                body=_cancel_json, writes=True),
    ),
    "pathway:plan": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_plan_form, writes=True),
    ),
    # POST only; without a plan there is nothing to pause: back to the chart (303).
    "pathway:plan-status": (
        POST(   LOGIN,      SEE_CHART,  SEE_CHART,  404,        404,        404, body=_pause_form),
    ),
    "pathway:consent-new": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_consent_form, writes=True),
    ),
    "pathway:consent-revoke": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_revoke_json, writes=True),
    ),
    # --- medicine sessions (medicine): the record is the care team's (monitor included),
    # never front desk or privacy officer; doses by monitor or medical provider; screening
    # by the medical provider. 422: the rules refuse a bare record (no checklist, no vitals).
    "medicine:console": (
        GET(    LOGIN,      200,        200,        200,        404,        404),
        POST(   LOGIN,      APPTS,      APPTS,      APPTS,      404,        404,
                body=_medicine_vitals_form, writes=True),
    ),
    "medicine:record-pdf": (
        GET(    LOGIN,      200,        200,        200,        404,        404),
    ),
    "pathway:medical": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      404,        CHART,      404,        404,        404,
                body=_medical_screening_form, writes=True),
    ),
    "api:get_medicine_record": (
        GET(    401,        200,        200,        200,        404,        404),
    ),
    "api:put_medicine_checklist": (
        PUT(    401,        200,        200,        200,        404,        404,
                body=_medicine_checklist_json, json=True, writes=True),
    ),
    "api:post_medicine_vitals": (
        POST(   401,        201,        201,        201,        404,        404,
                body=_medicine_vitals_json, json=True, writes=True),
    ),
    "api:acknowledge_medicine_predose": (
        POST(   401,        403,        422,        403,        404,        404,
                body=_medicine_empty_json, json=True),
    ),
    "api:post_medicine_dose": (
        POST(   401,        403,        422,        422,        404,        404,
                body=_medicine_dose_json, json=True),
    ),
    "api:post_medicine_observation": (
        POST(   401,        201,        201,        201,        404,        404,
                body=_medicine_observation_json, json=True, writes=True),
    ),
    "api:post_medicine_adverse_event": (
        POST(   401,        201,        201,        201,        404,        404,
                body=_medicine_adverse_json, json=True, writes=True),
    ),
    "api:post_medicine_discharge": (
        POST(   401,        422,        422,        422,        404,        404,
                body=_medicine_discharge_json, json=True),
    ),
    "api:put_therapist_note": (
        PUT(    401,        200,        403,        403,        404,        404,
                body=_medicine_addendum_json, json=True, writes=True),
    ),
    "api:sign_medicine_record": (
        POST(   401,        422,        422,        422,        404,        404,
                body=_medicine_sign_json, json=True),
    ),
    "api:post_medicine_addendum": (
        POST(   401,        422,        422,        422,        404,        404,
                body=_medicine_addendum_json, json=True),
    ),
    "api:list_medical_screenings": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_medical_screening": (
        POST(   401,        403,        201,        404,        404,        404,
                body=_medical_screening_json, json=True, writes=True),
    ),
    # medicine settings (medicine-settings): every staff member reads, medical providers change
    "medicine:settings": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      404,        MEDICINE,   404,        404,        404,
                body=lambda w: _medicine_settings_form(), writes=True),
    ),
    "api:get_medicine_settings": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    # --- FHIR R4 (interop): the same access rules as the rest; the matrix reads the team
    # client's Patient (every role sees demographics of a client it may see); the
    # category-by-category rules are in kapcare/interop/tests/test_fhir_read.py.
    "fhir:openapi-json": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "fhir:api-root": (
        GET(    404,        404,        404,        404,        404,        404,
                audits_denial=False),
    ),
    "fhir:fhir_metadata": (
        GET(    200,        200,        200,        200,        200,        200),
    ),
    "fhir:fhir_everything": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "fhir:fhir_read": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "fhir:fhir_search": (
        GET(    401,        200,        200,        200,        200,        200, lists_client=True),
    ),
    # Bulk export: anyone on staff may start one (it holds what they may see); a job's
    # status and files are only its requester's ({job_id} and {file_id}: front desk's).
    "fhir:fhir_export": (
        GET(    401,        202,        202,        202,        202,        202),
    ),
    "fhir:fhir_export_patients": (
        GET(    401,        202,        202,        202,        202,        202),
    ),
    "fhir:fhir_export_status": (
        GET(    401,        404,        404,        404,        200,        404),
    ),
    "fhir:fhir_export_file": (
        GET(    401,        404,        404,        404,        200,        404),
    ),
    # Import: those who may add clients (front desk, therapist, medical provider).
    "interop:import": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
    ),
    "interop:import-template": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
    ),
    "api:import_clients": (
        POST(   401,        200,        200,        403,        200,        403,
                body=lambda world: {"format": "csv", "content": "legal_given_name\n"}, json=True),
    ),
    # Billing (interop): front desk, therapists and medical providers bill (codes, not
    # content); the claim file and the fee schedule are front desk's.
    "interop:superbill": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
    ),
    "interop:superbill-pdf": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
    ),
    "interop:superbill-csv": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
    ),
    "interop:claims-csv": (
        GET(    LOGIN,      404,        404,        404,        200,        404),
    ),
    # Reports (interop): a client's progress report is clinical (the client's clinicians).
    "interop:progress": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
    ),
    "interop:progress-pdf": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
    ),
    # The practice's outcomes (aggregates, no names): therapists and the privacy officer.
    "interop:outcomes": (
        GET(    LOGIN,      200,        404,        404,        404,        200),
    ),
    "interop:outcomes-monitoring-csv": (
        GET(    LOGIN,      200,        404,        404,        404,        200),
    ),
    "api:practice_outcomes": (
        GET(    401,        200,        404,        404,        404,        200),
    ),
    "interop:billing-settings": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      404,        404,        404,        BILLING,    404,
                body=lambda world: {"npi": "1098765432", "telehealth_pos": "10"}, writes=True),
    ),
    "interop:exports": (
        GET(    LOGIN,      200,        200,        200,        200,        200),
        POST(   LOGIN,      EXPORTS,    EXPORTS,    EXPORTS,    EXPORTS,    EXPORTS,
                body=lambda world: {"level": "patient"}, writes=True),
    ),
    "api:put_medicine_settings": (
        PUT(    401,        403,        200,        403,        403,        403,
                body=lambda w: {"overrides": {"alert_spo2_below": 90}, "reason": "Matrix test"},
                json=True, writes=True),
    ),
    # --- end medicine
    # --- the admin: superusers only; the client and audit admins are read-only
    # The admin signs in through the staff sign-in page (second step included).
    "admin:login": (
        GET(    LOGIN_ADM,  LOGIN_ADM,  LOGIN_ADM,  LOGIN_ADM,  LOGIN_ADM,  LOGIN_ADM,
                superuser=LOGIN_ADM),
    ),
    # Sign-out is POST only; people who are not admin users are sent to the admin index,
    # which sends them to the admin sign-in.
    "admin:logout": (
        GET(    ADM_LOGIN,  ADMIN,      ADMIN,      ADMIN,      ADMIN,      ADMIN, superuser=405),
    ),
    "admin:index": (
        GET(    ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=200),
    ),
    "admin:people_client_changelist": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=200, lists_client=True),
    ),
    "admin:people_client_change": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=200),
        POST(   LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403, body=_profile_form, writes=True),
    ),
    "admin:people_client_add": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403),
        POST(   LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403, body=_new_client_form, writes=True),
    ),
    "admin:people_client_delete": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403),
        POST(   LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403, body=_admin_delete_form, writes=True),
    ),
    "admin:people_client_history": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=200),
    ),
    "admin:audit_auditevent_changelist": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=200),
    ),
    "admin:audit_auditevent_add": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403),
    ),
    "admin:audit_auditevent_delete": (
        GET(    LOGIN,      ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,
                superuser=403),
    ),
    "portal:home": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:consents": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:consent-document": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=PORTAL, body=_sign_form, writes=True),
    ),
    "portal:consent-pdf": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal_staff:notice-seen": (
        POST(   LOGIN,      HOME,       HOME,       404,        404,        404, writes=True),
    ),
    # POST only
    "portal:consent-revoke": (
        GET(    LOGIN,      405,        405,        405,        405,        405, client=405),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=PORTAL, writes=True),
    ),
    "api:create_portal_invitation": (
        POST(   401,        422,        422,        403,        422,        403),
    ),
    "api:get_portal_access": (
        GET(    401,        200,        200,        200,        200,        200),
    ),
    "api:end_client_portal_access": (
        POST(   401,        200,        200,        403,        200,        403, writes=True),
    ),
    "portal_staff:invite": (
        POST(   LOGIN,      CHART,      CHART,      404,        CHART,      404),
    ),
    "portal_staff:end-access": (
        POST(   LOGIN,      CHART,      CHART,      404,        CHART,      404, writes=True),
    ),
    # The invitation's own pages need no sign-in: the link is the key. Without a
    # link in the session (or with a completion link's token) there is nothing here.
    "portal:welcome": (
        GET(    404,        404,        404,        404,        404,        404,
                client=404, audits_denial=False),
    ),
    "portal:welcome-link": (
        GET(    404,        404,        404,        404,        404,        404,
                client=404, audits_denial=False),
    ),
    "portal:account": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:intake": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=INTAKE, body=_intake_draft, writes=True),
    ),
    "api:get_intake": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    # Questionnaires: the client's own assignments due now (PHQ-9, monthly, due today).
    "portal:questionnaires": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:questionnaire": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=Q_DONE, body=_phq9_form, writes=True),
    ),
    "portal:questionnaire-done": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    # POST only
    "portal:sign-out-everywhere": (
        GET(    LOGIN,      405,        405,        405,        405,        405, client=405),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=SIGNED_OUT, writes=True),
    ),
    "portal:journal": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:journal-new": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=JOURNAL, body=_journal_form, writes=True),
    ),
    "portal:intentions-new": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=JOURNAL, body=_journal_form, writes=True),
    ),
    # POST only
    "portal:journal-share": (
        GET(    LOGIN,      405,        405,        405,        405,        405, client=405),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=JOURNAL, writes=True),
    ),
    "api:list_my_journal": (
        GET(    401,        404,        404,        404,        404,        404, client=200),
    ),
    "api:post_my_journal": (
        POST(   401,        404,        404,        404,        404,        404,
                client=201, body=_journal_json, json=True, writes=True),
    ),
    "api:share_my_journal_entry": (
        POST(   401,        404,        404,        404,        404,        404,
                client=200, json=True, writes=True),
    ),
    "api:list_shared_journal": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    # The client's JSON API for the intake and questionnaires (only the client; staff get 404).
    "api:get_my_intake": (
        GET(    401,        404,        404,        404,        404,        404, client=200),
    ),
    "api:save_my_intake": (
        PUT(    401,        404,        404,        404,        404,        404,
                client=200, body=lambda w: {"goals": "To feel safe when someone gets close."},
                json=True, writes=True),
    ),
    # Sending with the medicines blank is refused on its field (every field sending needs
    # is given, so staff are answered 404 by the view, not 422 by the schema).
    "api:send_my_intake": (
        POST(   401,        404,        404,        404,        404,        404,
                client=422, body=_intake_to_send_blank, json=True),
    ),
    "api:list_my_questionnaires": (
        GET(    401,        404,        404,        404,        404,        404, client=200),
    ),
    "api:get_my_questionnaire": (
        GET(    401,        404,        404,        404,        404,        404, client=200),
    ),
    "api:answer_my_questionnaire": (
        POST(   401,        404,        404,        404,        404,        404,
                client=201, body=lambda w: {"answers": [0] * 9}, json=True, writes=True),
    ),
    "portal:sessions": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:session-ics": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:session-cancel": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=SESSIONS, body=_cancel_form, writes=True),
    ),
    # The location question opens 30 minutes before a video session: three days
    # ahead the page explains when, and a POST is refused on its field (422).
    "portal:session-location": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=422, body=lambda w: {"state": "PA"}),
    ),
    # Without a search the booking page shows its form; a POST without a time is 422.
    "portal:session-book": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404, client=422),
    ),
    "portal:medicine-request": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=SESSIONS, body=_cancel_form, writes=True),
    ),
    "portal:pause": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
        POST(   LOGIN,      404,        404,        404,        404,        404,
                client=PAUSE, writes=True),
    ),
    "portal:learn": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "portal:learn-topic": (
        GET(    LOGIN,      404,        404,        404,        404,        404, client=200),
    ),
    "api:list_my_sessions": (
        GET(    401,        404,        404,        404,        404,        404, client=200),
    ),
    "api:cancel_my_session": (
        POST(   401,        404,        404,        404,        404,        404,
                client=200, body=_cancel_form, json=True, writes=True),
    ),
    "api:confirm_my_location": (
        POST(   401,        404,        404,        404,        404,        404,
                client=422, body=lambda w: {"state": "PA", "city": ""}, json=True),
    ),
    # Without its query (kind, staff) the search is a field error for the client.
    "api:list_my_availability": (
        GET(    401,        404,        404,        404,        404,        404, client=422),
    ),
    # A time in the past is refused by the rules (422), and nothing is booked.
    "api:book_my_session": (
        POST(   401,        404,        404,        404,        404,        404,
                client=422,
                body=lambda w: {
                        "kind": "therapy",
                        "staff": w.staff[Role.THERAPIST].pk,
                        "start": "2020-01-06T15:00:00Z",
                        "state": "PA",
                },
                json=True),
    ),
    "api:ask_for_medicine_session": (
        POST(   401,        404,        404,        404,        404,        404,
                client=202, body=_note_json, json=True, writes=True),
    ),
    "api:pause_my_plan": (
        POST(   401,        404,        404,        404,        404,        404,
                client=200, body=_note_json, json=True, writes=True),
    ),
    "portal_staff:consent-documents": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
    ),
    "portal_staff:consent-document-publish": (
        GET(    LOGIN,      200,        200,        404,        200,        404),
        POST(   LOGIN,      DOCUMENTS,  DOCUMENTS,  404,        DOCUMENTS,  404,
                body=_document_form, writes=True),
    ),
    "api:list_consent_documents": (
        GET(    401,        200,        200,        404,        200,        404),
    ),
    "api:publish_consent_document": (
        POST(   401,        201,        201,        403,        201,        403,
                body=_document_json, json=True, writes=True),
    ),
    "api:list_session_notes": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:start_session_note": (
        POST(   401,        201,        201,        404,        404,        404,
                body=lambda w: {}, json=True, writes=True),
    ),
    "api:get_session_note": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:save_session_note": (
        PATCH(  401,        200,        422,        404,        404,        404,
                body=lambda w: {"narrative": "x"}, json=True),
    ),
    "api:sign_session_note": (
        POST(   401,        200,        422,        404,        404,        404,
                body=lambda w: {}, json=True),
    ),
    "api:cosign_session_note": (
        POST(   401,        422,        422,        404,        404,        404,
                body=lambda w: {}, json=True),
    ),
    "api:add_session_note_addendum": (
        POST(   401,        422,        422,        404,        404,        404,
                body=lambda w: {"text": "later"}, json=True),
    ),
    "api:link_session_note_emdr": (
        POST(   401,        422,        422,        404,        404,        404,
                body=lambda w: {"emdr_session": 1}, json=True),
    ),
    "api:put_note_supervision": (
        PUT(    401,        404,        404,        404,        200,        404,
                body=lambda w: {"supervisor": w.staff[Role.MEDICAL_PROVIDER].pk}, json=True,
                writes=True),
    ),
    "api:list_parts": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_part": (
        POST(   401,        201,        201,        404,        404,        404,
                body=lambda w: {"name": "Guard", "role": "manager"}, json=True, writes=True),
    ),
    "api:get_part": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:patch_part": (
        PATCH(  401,        200,        200,        404,        404,        404,
                body=lambda w: {"permission": "granted"}, json=True, writes=True),
    ),
    "api:list_emdr_targets": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_emdr_target": (
        POST(   401,        201,        201,        404,        404,        404,
                body=_therapy_target_json, json=True, writes=True),
    ),
    "api:get_emdr_target": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_emdr_session": (
        POST(   401,        201,        201,        404,        404,        404,
                body=_therapy_session_json, json=True, writes=True),
    ),
    "api:list_psychotherapy_notes": (
        GET(    401,        200,        404,        404,        404,        404),
    ),
    "api:post_psychotherapy_note": (
        POST(   401,        201,        404,        404,        404,        404,
                body=lambda w: {"text": "Mine"}, json=True, writes=True),
    ),
    "api:get_psychotherapy_note": (
        GET(    401,        200,        404,        404,        404,        404),
    ),
    "notes:note-start": (
        POST(   LOGIN,      NOTES,      NOTES,      404,        404,        404,
                body=lambda w: {}, writes=True),
    ),
    "notes:note": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      NOTES,      422,        404,        404,        404,
                body=lambda w: {"narrative": "Draft", "action": "save"}),
    ),
    "notes:note-cosign": (
        POST(   LOGIN,      NOTES,      NOTES,      404,        404,        404, body=lambda w: {}),
    ),
    "notes:supervision": (
        GET(    LOGIN,      404,        404,        404,        200,        404),
        POST(   LOGIN,      404,        404,        404,        PRACTICE,   404,
                body=lambda w: {f"staff_{w.staff[Role.THERAPIST].pk}":
                    w.staff[Role.MEDICAL_PROVIDER].pk},
                writes=True),
    ),
    "notes:note-emdr": (
        POST(   LOGIN,      422,        422,        404,        404,        404,
                body=lambda w: {"emdr_session": 0}),
    ),
    "notes:note-addendum": (
        POST(   LOGIN,      422,        422,        404,        404,        404,
                body=lambda w: {"text": "Later"}),
    ),
    "notes:parts": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_PART_FORM, writes=True),
    ),
    "notes:part": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_PART_FORM, writes=True),
    ),
    "notes:emdr": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      TARGETS,    TARGETS,    404,        404,        404,
                body=_therapy_target_json, writes=True),
    ),
    "notes:emdr-target": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      TARGETS,    TARGETS,    404,        404,        404,
                body=_therapy_session_form, writes=True),
    ),
    "api:list_diagnoses": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_diagnosis": (
        POST(   401,        201,        201,        404,        404,        404,
                body=lambda w: {"code": "F43.10", "noted_on": "2026-01-05"}, json=True,
                writes=True),
    ),
    "notes:psychotherapy": (
        GET(    LOGIN,      200,        404,        404,        404,        404),
        POST(   LOGIN,      CHART,      404,        404,        404,        404,
                body=lambda w: {"text": "Mine"}, writes=True),
    ),
    "pathway:diagnoses": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=lambda w: {"code": "F43.12", "noted_on": "2026-01-05"}, writes=True),
    ),
    "pathway:diagnosis-resolve": (
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=lambda w: {f"resolve-{_only_diagnosis()}-resolved_on": "2026-02-01"},
                writes=True),
    ),
    "api:resolve_diagnosis": (
        POST(   401,        200,        200,        404,        404,        404,
                body=lambda w: {"resolved_on": "2026-02-01"}, json=True, writes=True),
    ),
    "pathway:plan-detail": (
        GET(    LOGIN,      200,        200,        404,        404,        404),
        POST(   LOGIN,      422,        422,        404,        404,        404,
                body=lambda w: {"form": "problem", "problem-description": "Freezes"}),
    ),
    "pathway:plan-review": (
        GET(    LOGIN,      CHART,      CHART,      404,        404,        404),
        POST(   LOGIN,      CHART,      CHART,      404,        404,        404,
                body=_plan_review_json),
    ),
    "api:get_plan": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_plan_problem": (
        POST(   401,        422,        422,        404,        404,        404,
                body=lambda w: {"description": "x"}, json=True),
    ),
    "api:post_plan_goal": (
        POST(   401,        422,        422,        404,        404,        404,
                body=lambda w: {"description": "x"}, json=True),
    ),
    "api:post_plan_intervention": (
        POST(   401,        422,        422,        404,        404,        404,
                body=lambda w: {"kind": "emdr"}, json=True),
    ),
    "api:list_plan_reviews": (
        GET(    401,        200,        200,        404,        404,        404),
    ),
    "api:post_plan_review": (
        POST(   401,        422,        422,        404,        404,        404,
                body=_plan_review_json, json=True),
    ),
    "api:patch_plan_goal": (
        PATCH(  401,        200,        200,        404,        404,        404,
                body=lambda w: {"status": "met"}, json=True, writes=True),
    ),
    "api:patch_plan_problem": (
        PATCH(  401,        200,        200,        404,        404,        404,
                body=lambda w: {"description": "Reworded"}, json=True, writes=True),
    ),
    "api:resolve_plan_problem": (
        POST(   401,        200,        200,        404,        404,        404,
                body=lambda w: {"resolved_on": "2026-02-01"}, json=True, writes=True),
    ),
    "api:end_plan_intervention": (
        POST(   401,        200,        200,        404,        404,        404,
                body=lambda w: {"ended_on": "2026-02-01"}, json=True, writes=True),
    ),
}

PREFIX_MATRIX: dict[str, tuple[Check, ...]] = {
    # route / method anonymous   therapist   medical     monitor     front desk  privacy
    # Whole namespaces by prefix, used when a pattern has no exact entry above.
    # Nobody on the staff is an admin user: the admin sends them to its own
    # sign-in. Anonymous visitors meet the site's sign-in (model pages) or the
    # admin's (site pages); both are a sign-in page.
    "admin:": (
        GET(    ANY_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN,  ADM_LOGIN),
    ),
}
# fmt: on


# ---------------------------------------------------------------- URL walking


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:<route>" for an unnamed pattern
    route: str  # the full route, as the resolver spells it


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Pattern]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, (namespace, p.namespace)))
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        else:
            route = prefix + str(p.pattern)
            name = p.name or f"<{route}>"
            yield Pattern(key=f"{namespace}:{name}" if namespace else name, route=route)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


def path_params(route: str) -> set[str]:
    return {m[1] or m[2] for m in _PARAM.finditer(route)}


def fill(route: str, values: Mapping[str, Callable[[], object]]) -> str:
    """The route with its parameters filled in, as a path."""

    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        if name not in values:
            raise AssertionError(
                f"/{route} has a path parameter {name!r} with no value: add one to "
                "_values() in tests/test_permission_matrix.py"
            )
        return str(values[name]())

    filled = _PARAM.sub(value, route)
    # A regex route's anchors go; a "$" that starts a segment is a FHIR operation ($everything).
    return "/" + re.sub(r"\$(?=/|$)", "", filled.replace("^", ""))


def checks_for(key: str) -> tuple[Check, ...] | None:
    if key in MATRIX:
        return MATRIX[key]
    for prefix, checks in PREFIX_MATRIX.items():
        if key.startswith(prefix):
            return checks
    return None


class Rule(StrEnum):
    """Whose outcome a case checks: the table's cell, or one of the walk's three rules
    for principals the table names only where they differ."""

    TABLE = "table"  # the principal's cell in the row
    OFF_TEAM = "off-team"  # a clinician not on the client's care team: 404 on client URLs
    ADMIN_WITHOUT_STAFF = "admin"  # a superuser with no staff record: no client data
    PORTAL_CLIENT_OUTSIDE = "portal"  # a portal client on a staff URL: 404


@dataclass(frozen=True)
class Case:
    pattern: Pattern
    check: Check | None  # None: the pattern has no row, which fails
    principal: str  # who signs in: ANONYMOUS, a role, SUPERUSER or CLIENT
    rule: Rule = Rule.TABLE

    @property
    def label(self) -> str:
        return f"off-team-{self.principal}" if self.rule is Rule.OFF_TEAM else self.principal


# Outside the portal a client may reach only these (their own sign-in and password pages,
# shared with staff, and the health check) and the front page, which sends them to the
# portal (test_a_portal_client_lands_on_the_portal_from_the_front_page); everything else
# answers 404.
_CLIENT_OUTSIDE_PORTAL = frozenset({"healthz", "home"})
_CLIENT_ACCOUNT_PAGES = "accounts:"


def _derived_rules(pattern: Pattern, check: Check) -> Iterator[tuple[str, Rule]]:
    """The principals a row does not name, and the rule each is walked under."""
    if path_params(pattern.route) & CLIENT_RECORD_PARAMS and not check.emergency_door:
        for role in sorted(CARE_TEAM_ROLES):
            yield role.value, Rule.OFF_TEAM
    if not pattern.key.startswith("admin:"):
        yield SUPERUSER, Rule.ADMIN_WITHOUT_STAFF
    if CLIENT not in check.expect and not (
        pattern.key in _CLIENT_OUTSIDE_PORTAL
        or pattern.key.startswith(_CLIENT_ACCOUNT_PAGES)
        or pattern.route.startswith("accounts/")
    ):
        yield CLIENT, Rule.PORTAL_CLIENT_OUTSIDE


def _cases() -> Iterator[object]:
    for pattern in all_patterns():
        checks = checks_for(pattern.key)
        if checks is None:
            case = Case(pattern, None, ANONYMOUS)
            yield pytest.param(case, id=f"{pattern.key}-MISSING")
            continue
        for check in checks:
            walked = [(p, Rule.TABLE) for p in check.expect]
            for principal, rule in [*walked, *_derived_rules(pattern, check)]:
                case = Case(pattern, check, principal, rule)
                yield pytest.param(case, id=f"{pattern.key}-{check.method}-{case.label}")


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def world(world: World) -> World:
    """The one world, its clients given distinctive names (so a leak check cannot match
    anything by accident), an administrator without a staff record and the team's client
    signed up to the portal."""
    return (
        world.renamed(
            ("Marigold", "Teamclientsson", "marigold.teamclientsson@example.com"),
            ("Juniper", "Otherclientsdottir", "juniper.otherclientsdottir@example.com"),
        )
        .with_superuser()
        .with_portal_client()
    )


def _superuser(world: World) -> User:
    assert world.superuser is not None, "the matrix's world has an administrator"
    return world.superuser


def _client_user(world: World) -> User:
    assert world.client_user is not None, "the matrix's world has a portal client"
    return world.client_user


def _user(world: World, principal: str) -> User | None:
    if principal == ANONYMOUS:
        return None
    if principal == SUPERUSER:
        return _superuser(world)
    if principal == CLIENT:
        return _client_user(world)
    return world.staff[Role(principal)].user


def _http(world: World, principal: str) -> HttpClient:
    http = HttpClient()
    user = _user(world, principal)
    if user is not None:
        http.force_login(user)
    return http


def _consent_of(world: World, client: Client) -> int:
    consent = Consent.objects.create(
        client=client,
        kind=ConsentKind.TELEHEALTH.value,
        version="1",
        signed_on=clock.today(),
        recorded_by=world.staff[Role.THERAPIST],
        recorded_at=clock.now(),
    )
    return consent.pk


def _appointment_of(world: World, client: Client) -> int:
    _consent_of(world, client)  # a telehealth session needs a telehealth consent
    start = _session_start(days=3)
    booked = scheduling.book_appointment(
        actor=actor_for_user(world.staff[Role.FRONT_DESK].user),
        request=scheduling.AppointmentRequest(
            client_id=client.pk,
            kind=AppointmentKind.THERAPY,
            modality=Modality.TELEHEALTH,
            start=start,
            end=start + dt.timedelta(minutes=50),
            staff_ids=(world.staff[Role.THERAPIST].pk,),
            client_location_state="PA",
        ),
        now=clock.now(),
    )
    return booked.appointment.pk


# --- sched-more helpers


def _sched_more_time_off_form() -> dict[str, object]:
    return {
        "action": "add_time_off",
        "start_date": "2031-01-01",
        "start_time": "00:00",
        "end_date": "2031-01-02",
        "end_time": "00:00",
    }


def _sched_more_settings_form() -> dict[str, object]:
    from kapcare.scheduling.practice_settings import setting_rows

    form: dict[str, object] = {"reminder_hours_before": 48, "reason": "Matrix test"}
    for row in setting_rows({}):
        value = row.value
        form[row.name.replace(".", "__")] = ", ".join(value) if isinstance(value, list) else value
    return form


def _sched_more_time_off_of(world: World) -> int:
    from kapcare.scheduling.models import TimeOff

    therapist = world.staff[Role.THERAPIST]
    entry = TimeOff.objects.create(
        staff=therapist,
        start=dt.datetime(2031, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(2031, 1, 2, tzinfo=dt.UTC),
        created_by=therapist,
        created_at=clock.now(),
    )
    return entry.pk


def _export_job_of(world: World) -> ExportJob:
    """interop: a finished Patient export of the front desk's (one file)."""
    from kapcare.interop.exports import run_export
    from kapcare.interop.models import ExportJob, ExportLevel

    job = ExportJob.objects.create(
        practice_id=world.staff[Role.FRONT_DESK].practice_id,
        requested_by=world.staff[Role.FRONT_DESK],
        level=ExportLevel.PATIENT,
        types=["Patient"],
        requested_at=clock.now(),
    )
    run_export(job.pk)
    return job


def _values(world: World, client: Client) -> Mapping[str, Callable[[], object]]:
    """How to fill each path parameter, for ``client``; made only when a route asks."""
    return {
        "client_id": lambda: client.pk,
        "object_id": lambda: client.pk,
        "id": lambda: _superuser(world).pk,
        "content_type_id": lambda: ContentType.objects.get_for_model(Client).pk,
        "app_label": lambda: "people",
        "url": lambda: "no-such-admin-page/",
        "code": lambda: "GAD-7",
        "consent_id": lambda: _consent_of(world, client),
        "appointment_id": lambda: _appointment_of(world, client),
        "medicine_appointment_id": lambda: _medicine_appointment_of(world, client),  # medicine
        # measures: an open risk flag, an assignment, a usable completion link
        "flag_id": lambda: measure_records.open_flag_of(client, world.staff[Role.THERAPIST]),
        "assignment_id": lambda: measure_records.assignment_of(client, world.staff[Role.THERAPIST]),
        # portal: a questionnaire task is the client's own measure assignment; staff get
        # 404 before any lookup (as for the portal's consent pages).
        "task_id": lambda: measure_records.assignment_of(client, world.staff[Role.THERAPIST]),
        "token": lambda: measure_records.link_token_of(client, world.staff[Role.THERAPIST]),
        "link_id": lambda: measure_records.link_id_of(client, world.staff[Role.THERAPIST]),
        # sched-more: the therapist's schedule
        "staff_id": lambda: world.staff[Role.THERAPIST].pk,
        "time_off_id": lambda: _sched_more_time_off_of(world),
        "template_id": lambda: _intensive_template_of(world),  # intensives
        "secret": lambda: "no-such-feed-secret",
        # people: an emergency access (the privacy officer reviews it)
        "access_id": lambda: (
            make_emergency_access(client=client, staff=world.staff[Role.THERAPIST]).pk
        ),
        # accounts: one of the therapist's API tokens
        "token_id": lambda: issue_token(user=world.staff[Role.THERAPIST].user).token.pk,
        **_therapy_values(world, client),
        # interop: the FHIR read of the client's own Patient resource
        "resource_type": lambda: "Patient",
        "resource_id": lambda: client.pk,
        "job_id": lambda: _export_job_of(world).pk,
        "file_id": lambda: _export_job_of(world).files.get().pk,
        # allauth: a password-reset link that is not valid; someone's passkey
        "uidb36": lambda: "0",
        "key": lambda: "no-such-reset-key",
        "pk": lambda: 1,
        # portal: the practice's consent document, and a consent the client signed
        "document_id": lambda: _consent_document_of(world).pk,
        "signed_id": lambda: _portal_signed_consent_of(world, client),
        "entry_id": lambda: _journal_entry_of(world, client),
        "topic": lambda: "preparation",
        "session_id": lambda: _portal_session_of(world, client),
        "kind": lambda: "kap_informed_consent",
        "sha256": lambda: "0" * 64,  # a hash no document has
        "notice_id": lambda: (
            CareTeamNotice.objects.create(
                client=client, kind="consent_revoked", created_at=clock.now()
            ).pk
        ),
    }


def _send(http: HttpClient, check: Check, path: str, world: World) -> Response:
    body = check.body(world) if check.body else {}
    if check.json:
        return http.generic(check.method, path, json.dumps(body), content_type="application/json")
    if check.method == "GET":
        return http.get(path)
    if check.method == "POST":
        return http.post(path, body)
    raise AssertionError(f"no sender for {check.method} form requests")


def _snapshot(client: Client, *, rows: bool = False) -> tuple[object, ...]:
    """The client's stored fields and how many rows every KAP Care table holds.

    With ``rows``, every row of every KAP Care table (for requests that may write).
    The audit trail is left out: refusals are written there on purpose.
    """
    fresh = Client.objects.filter(pk=client.pk).values().first()
    tables = sorted(
        (
            model._meta.label,
            repr(list(model._default_manager.order_by("pk").values_list()))
            if rows
            else model._default_manager.count(),
        )
        for model in apps.get_models()
        if model._meta.app_config is not None
        and model._meta.app_config.name.startswith("kapcare.")
        and model._meta.app_label != "audit"
    )
    return (tuple(tables), tuple(sorted((fresh or {}).items())))


def _last_seq() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def _leak_markers(client: Client) -> list[bytes]:
    return [
        client.legal_given_name.encode(),
        client.legal_family_name.encode(),
        client.email.encode(),
    ]


def _assert_outcome(response: Response, expected: Expect, label: str) -> None:
    assert response.status_code == expected.status, (
        f"{label}: expected {expected.status}, got {response.status_code}"
    )
    if expected.location:
        location = response["Location"]
        assert location.startswith(expected.location), (
            f"{label}: redirected to {location!r}, expected one of {expected.location}"
        )


# ---------------------------------------------------------------- the test


@pytest.mark.parametrize("case", list(_cases()))
def test_permission_matrix(world: World, case: Case) -> None:
    check = case.check
    if check is None:
        pytest.fail(
            f"URL pattern {case.pattern.key!r} (/{case.pattern.route}) has no entry in MATRIX "
            "in tests/test_permission_matrix.py: add one with the expected status for every "
            "role, so a new URL without an entry fails."
        )
    # Given the principal and a URL naming a client: the team's, or for a clinician off
    # the team, the client whose team they are not on
    client = world.other_client if case.rule is Rule.OFF_TEAM else world.client
    path = fill(case.pattern.route, _values(world, client))
    if case.rule is Rule.TABLE:
        assert resolve(path).route.replace("^", "") == case.pattern.route.replace("^", ""), (
            f"{path} does not resolve to {case.pattern.route}"
        )
    http = _http(world, case.principal)
    rows = check.method != "GET"
    before, seq = _snapshot(client, rows=rows), _last_seq()

    # When
    response = _send(http, check, path, world)

    # Then
    seen = Seen(
        world=world,
        case=case,
        check=check,
        client=client,
        path=path,
        response=response,
        before=before,
        rows=rows,
        events=list(AuditEvent.objects.filter(seq__gt=seq)),
    )
    THEN[case.rule](seen)


@dataclass(frozen=True)
class Seen:
    """What one request of the walk did, for the rule that judges it."""

    world: World
    case: Case
    check: Check
    client: Client  # the client the URL names
    path: str
    response: Response
    before: tuple[object, ...]  # _snapshot(client) before the request
    rows: bool
    events: list[AuditEvent]  # the audit events the request appended

    @property
    def label(self) -> str:
        return f"{self.check.method} {self.path} as {self.case.label}"

    def unchanged(self) -> bool:
        return _snapshot(self.client, rows=self.rows) == self.before

    def leaks(self, *clients: Client) -> list[bytes]:
        return [
            marker
            for client in clients
            for marker in _leak_markers(client)
            if marker in self.response.content
        ]


def _as_the_table_says(seen: Seen) -> None:
    """The row's cell for the principal; a denial writes nothing, leaks nothing, is not
    audited as done and (for a staff member's 403/404) leaves a DENIED event; an allowed
    write writes; an allowed client read or write is audited."""
    world, check, client, response, label = (
        seen.world,
        seen.check,
        seen.client,
        seen.response,
        seen.label,
    )
    principal, pattern = seen.case.principal, seen.case.pattern
    params = path_params(pattern.route)
    expected = check.expect[principal]
    _assert_outcome(response, expected, label)
    # Finding 4 of issue 12: no answer, allowed or refused, may sit in a browser's cache.
    assert "no-store" in response.get("Cache-Control", ""), f"{label}: cacheable answer"
    if _read_by_a_person(seen.path, response):
        assert_plain_words(response.content.decode(), label)
    events = seen.events
    user = _user(world, principal)
    is_staff_role = principal in ROLES
    on_client_url = bool(params & CLIENT_RECORD_PARAMS) or (
        "object_id" in params and pattern.key.startswith("admin:people_client_")
    )
    if expected.denied:
        assert seen.unchanged(), f"{label}: a denied request changed data"
        assert seen.leaks(client) == [], f"{label}: denial leaks {seen.leaks(client)}"
        attempted = _ATTEMPTED[check.method]
        assert not [
            e
            for e in events
            if e.client_id == client.pk
            and e.outcome == AuditOutcome.SUCCESS
            and e.action in attempted
        ], f"{label}: a denied request was audited as done"
        if is_staff_role and expected.status in _DENIED_STATUSES and check.audits_denial:
            assert user is not None
            denials = [
                e
                for e in events
                if e.action == AuditAction.DENIED
                and e.outcome == AuditOutcome.DENIED
                and e.actor_id == user.pk
            ]
            assert denials, f"{label}: the refusal left no DENIED audit event"
            if on_client_url:
                assert {e.client_id for e in denials} == {client.pk}, label
    else:
        if check.writes:
            assert not seen.unchanged(), f"{label}: an allowed write changed nothing"
        if user is not None and (on_client_url or check.lists_client) and not check.emergency_door:
            assert [
                e
                for e in events
                if e.client_id == client.pk
                and e.actor_id == user.pk
                and e.outcome == AuditOutcome.SUCCESS
            ], f"{label}: reading or changing the client left no audit event"
    if principal in {r.value for r in CARE_TEAM_ROLES}:
        assert seen.leaks(world.other_client) == [], (
            f"{label}: shows a client whose care team {principal} is not on"
        )


def _off_team_not_found(seen: Seen) -> None:
    """A clinician off the client's care team: not found, nothing changed or leaked, and
    exactly one refusal audited, naming the client and them."""
    label, client = seen.label, seen.client
    _assert_outcome(seen.response, Expect(404), label)
    assert seen.unchanged(), label
    assert seen.leaks(client) == [], f"{label}: leaks {seen.leaks(client)}"
    user = _user(seen.world, seen.case.principal)
    assert user is not None
    assert [
        (e.action, e.outcome, e.client_id, e.actor_id)
        for e in seen.events
        if e.action == AuditAction.DENIED
    ] == [(AuditAction.DENIED, AuditOutcome.DENIED, client.pk, user.pk)], label
    assert not [e for e in seen.events if e.outcome == AuditOutcome.SUCCESS and e.client_id], label


def _admin_sees_no_client_data(seen: Seen) -> None:
    """A superuser (admin access) who is not on the practice's staff: no page or endpoint
    outside the admin shows or changes a client. Being an admin is not a role."""
    label, world = seen.label, seen.world
    assert seen.response.status_code not in {200, 201} or not (
        path_params(seen.case.pattern.route) & CLIENT_RECORD_PARAMS or seen.check.writes
    ), label
    assert seen.unchanged(), label
    leaks = seen.leaks(world.client, world.other_client)
    assert leaks == [], f"{label}: leaks {leaks}"
    assert not [
        e for e in seen.events if e.client_id is not None and e.outcome == AuditOutcome.SUCCESS
    ], label


def _portal_client_not_found(seen: Seen) -> None:
    """A client signed in to the portal, on a staff URL naming their own record: not found
    (the admin and the API too), nothing changed or leaked, the refusal audited under the
    client's user."""
    label, world = seen.label, seen.world
    _assert_outcome(seen.response, Expect(404), label)
    assert seen.unchanged(), label
    leaks = seen.leaks(world.client, world.other_client)
    assert leaks == [], f"{label}: leaks {leaks}"
    assert [(e.action, e.outcome, e.actor_id) for e in seen.events] == [
        (AuditAction.DENIED, AuditOutcome.DENIED, _client_user(world).pk)
    ], label


THEN: dict[Rule, Callable[[Seen], None]] = {
    Rule.TABLE: _as_the_table_says,
    Rule.OFF_TEAM: _off_team_not_found,
    Rule.ADMIN_WITHOUT_STAFF: _admin_sees_no_client_data,
    Rule.PORTAL_CLIENT_OUTSIDE: _portal_client_not_found,
}


def _read_by_a_person(path: str, response: Response) -> bool:
    """A page a person reads (not the API, its docs or the administrators' admin)."""
    return (
        response["Content-Type"].startswith("text/html")
        and not path.startswith(("/api/", "/admin/", "/fhir/"))
        and bool(response.content)
    )


# ---------------------------------------------------------------- the table itself


def test_every_url_pattern_has_an_entry() -> None:
    missing = [p.key for p in all_patterns() if checks_for(p.key) is None]
    assert missing == [], (
        f"URL patterns without an entry in tests/test_permission_matrix.py MATRIX: {missing}. "
        "Add one with the expected status for every role, so a new URL without an entry fails."
    )


def test_matrix_has_no_stale_entries() -> None:
    keys = {p.key for p in all_patterns()}
    assert sorted(set(MATRIX) - keys) == []


def test_a_pattern_without_an_entry_is_reported() -> None:
    # The mechanism itself: an unknown name finds no checks.
    assert checks_for("people:a-page-nobody-listed") is None
    assert checks_for("admin:some_new_model_changelist") is not None


def test_entries_name_every_principal() -> None:
    for key, checks in MATRIX.items():
        for check in checks:
            assert set(PRINCIPALS) <= set(check.expect), key


def test_a_portal_client_lands_on_the_portal_from_the_front_page(world: World) -> None:
    response = _http(world, CLIENT).get("/")
    _assert_outcome(response, Expect(302, ("/portal/",)), "GET / as a portal client")
