"""The audit trail: events are appended through the one writer, so the chain stays whole."""

import hashlib
from typing import Any

import factory

from kapcare.audit.models import (
    AuditAction,
    AuditChainHead,
    AuditEvent,
    AuditOutcome,
    DocumentKind,
    ExportedDocument,
)
from kapcare.audit.services import AuditSource, record_event
from kapcare.core import clock
from tests.factories.people import PracticeFactory


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = None
    action = AuditAction.READ
    outcome = AuditOutcome.SUCCESS
    client_id = None
    category = ""
    detail = "test"

    @classmethod
    def _create(cls, model_class: type[AuditEvent], *args: Any, **kwargs: Any) -> AuditEvent:
        return record_event(
            source=AuditSource(user=kwargs.pop("actor"), source_ip=kwargs.pop("source_ip", None)),
            **kwargs,
        )


class AuditChainHeadFactory(factory.django.DjangoModelFactory):
    """The chain's one head, after appending one event."""

    class Meta:
        model = AuditChainHead

    @classmethod
    def _create(cls, model_class: type[AuditChainHead], *args: Any, **kw: Any) -> AuditChainHead:
        AuditEventFactory.create()
        return AuditChainHead.objects.get(pk=1)


class ExportedDocumentFactory(factory.django.DjangoModelFactory):
    """An exported PDF's record, with the audit event that names its hash (as
    ``audit.exports.pdf_response`` writes them)."""

    class Meta:
        model = ExportedDocument

    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"document {n}".encode()).hexdigest())
    kind = DocumentKind.AUDIT_LOG
    practice_id = factory.LazyFunction(lambda: PracticeFactory.create().pk)
    client_id = None
    exported_by = None
    exported_at = factory.LazyFunction(clock.now)
    size = 1024
    audit_seq = factory.LazyAttribute(
        lambda d: (
            AuditEventFactory.create(
                action=AuditAction.PRINT, detail=f"pdf:{d.kind}:sha256:{d.sha256}"
            ).seq
        )
    )
