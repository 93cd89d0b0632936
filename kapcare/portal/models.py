"""What the portal keeps: notices to the care team, invitations, the client's intentions
and journal.

Every enum is also a ``CheckConstraint``; rows change only through ``portal.services``.
"""

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q

from kapcare.core.choices import choices, values
from kapcare.people.models import Client, StaffMember
from kapcare.portal.vocabulary import (
    ENTRY_LABELS,
    FIT_ANSWER_LABELS,
    NOTICE_LABELS,
    EntryKind,
    FitAnswer,
    InvitationStatus,
    NoticeKind,
)
from kapcare.scheduling.models import Appointment


class CareTeamNotice(models.Model):
    """The care team is told: a client revoked a consent, asked to pause, shared a
    journal entry... Shown on the staff home page to the care team until one of them
    marks it seen. ``detail`` is the client's own note, if any (shown to the care team
    only)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portal_notices")
    kind = models.CharField(max_length=30, choices=choices(NOTICE_LABELS))
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects: ClassVar[models.Manager["CareTeamNotice"]] = models.Manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(NoticeKind)), name="portal_notice_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(seen_at__isnull=True, seen_by__isnull=True)
                | Q(seen_at__isnull=False, seen_by__isnull=False),
                name="portal_notice_seen_complete",
            ),
        ]
        indexes = [models.Index(fields=["client", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.kind} (client {self.client_id})"

    @property
    def label(self) -> str:
        return NOTICE_LABELS[NoticeKind(self.kind)]


class PortalInvitation(models.Model):
    """Staff invite a client to the portal: a single-use link by e-mail, 72 hours.

    The link's token is made by the task that sends the mail and never stored: only its
    SHA-256 (``digest``) is, so a copy of the database opens nothing. Until the mail
    goes out there is no digest (and no expiry). Inviting again revokes the open one.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="portal_invitations")
    email = models.EmailField()  # where it was sent: the client's address at the time
    invited_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)  # gave up sending
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["PortalInvitation"]] = models.Manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(digest__isnull=False),
                name="portal_invitation_expiry_has_link",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(digest__isnull=False),
                name="portal_invitation_used_has_link",
            ),
        ]
        indexes = [models.Index(fields=["client", "created_at"])]

    def __str__(self) -> str:
        return f"portal invitation {self.pk} (client {self.client_id})"

    def status(self, now: dt.datetime) -> InvitationStatus:
        if self.used_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if self.failed_at is not None:
            return InvitationStatus.FAILED
        if self.expires_at is not None and self.expires_at <= now:
            return InvitationStatus.EXPIRED
        if self.sent_at is not None:
            return InvitationStatus.SENT
        return InvitationStatus.QUEUED


def _fit_field() -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(max_length=10, blank=True, choices=choices(FIT_ANSWER_LABELS))


class Intake(models.Model):
    """The client's intake, filled in the portal: history, goals in relational terms,
    current medications and the "who might benefit" reflection (``FIT_STATEMENTS``).

    Contact and emergency contact are the client's record's own fields (saved there).
    A draft is the client's alone; the care team sees what was last sent
    (``submitted_at``); saving after sending is a new draft until sent again.
    """

    client = models.OneToOneField(Client, on_delete=models.PROTECT, related_name="portal_intake")
    history = models.TextField(blank=True)
    goals = models.TextField(blank=True)
    medications = models.TextField(blank=True)
    fit_stuck = _fit_field()
    fit_fear = _fit_field()
    fit_harm = _fit_field()
    fit_unfamiliar = _fit_field()
    saved_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["Intake"]] = models.Manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{name}__in": ["", *values(FitAnswer)]}),
                name=f"portal_intake_{name}_valid",
            )
            for name in ("fit_stuck", "fit_fear", "fit_harm", "fit_unfamiliar")
        ]

    def __str__(self) -> str:
        return f"intake of client {self.client_id}"

    @property
    def sent(self) -> bool:
        return self.submitted_at is not None and self.submitted_at >= self.saved_at


class JournalEntry(models.Model):
    """What a client writes in the portal: intentions before a medicine session, an
    integration journal after one (``appointment``: the medicine session it is about,
    when there is one).

    Private to the client until they share it with their care team (``shared_at``).
    Sharing is final: the care team may have read it, so it cannot be taken back
    unread. Entries are kept as written; a new thought is a new entry.
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="journal_entries")
    kind = models.CharField(max_length=10, choices=choices(ENTRY_LABELS))
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    body = models.TextField()
    written_at = models.DateTimeField()
    shared_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager["JournalEntry"]] = models.Manager()

    class Meta:
        ordering = ["-written_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=values(EntryKind)), name="portal_entry_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="portal_entry_body_not_empty"),
        ]
        indexes = [
            models.Index(fields=["client", "written_at"]),
            models.Index(fields=["client", "shared_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} (client {self.client_id})"

    @property
    def label(self) -> str:
        return ENTRY_LABELS[EntryKind(self.kind)]

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None
