"""Bulk FHIR export ($export): start a job, run it, describe it, hand out its files.

A job writes one NDJSON file per resource type, streaming each type's rows (see
``records``) straight to disk while hashing them, so memory stays flat whatever the
practice's size. What goes in is what the person who asked may see, category by
category (``people.access.visible_clients``), decided when the job runs. Beside each
client-data file a ``.clients`` file lists whose data it holds, so that its download
is audited as an export of each of those clients' data before a byte is sent.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event, record_events
from kapcare.core import clock
from kapcare.interop.models import ExportFile, ExportJob, ExportLevel, ExportStatus
from kapcare.interop.records import (
    CLIENT_TYPES,
    PRACTICE_TYPES,
    categories_of,
    practice_resources,
    streams_for,
)
from kapcare.people.access import Actor, actor_for_user, deny, visible_clients
from kapcare.people.policy import Category

__all__ = [
    "ExportRefused",
    "file_lines",
    "job_dir",
    "manifest",
    "run_export",
    "start_export",
]

AUDIT_BATCH = 1000


class ExportRefused(ValueError):
    """The export cannot be started as asked (a type this server does not export)."""


def job_dir(job: ExportJob) -> Path:
    return Path(settings.EXPORT_DIR) / f"job-{job.pk}"


def _types_of(level: str, types: list[str]) -> list[str]:
    allowed = CLIENT_TYPES | (PRACTICE_TYPES if level == ExportLevel.SYSTEM else frozenset())
    unknown = sorted(set(types) - allowed)
    if unknown:
        raise ExportRefused(f"These types cannot be exported here: {', '.join(unknown)}.")
    return sorted(set(types) or allowed)


def start_export(
    *, actor: Actor, level: ExportLevel, types: list[str], now: dt.datetime
) -> ExportJob:
    """Record the job (audited) and queue it for the background worker."""
    if actor.staff is None:
        raise deny(
            actor, category=Category.DEMOGRAPHICS, action=AuditAction.EXPORT, detail="fhir:export"
        )
    chosen = _types_of(level, types)
    with transaction.atomic():
        job = ExportJob.objects.create(
            practice_id=actor.staff.practice_id, requested_by=actor.staff, level=level,
            types=chosen, requested_at=now,
        )  # fmt: skip
        record_event(
            source=actor.audit_source,
            action=AuditAction.EXPORT,
            detail=f"fhir:export:start:{job.pk}",
        )
    from kapcare.interop.tasks import run_export_task

    transaction.on_commit(lambda: run_export_task.enqueue(job.pk))
    return job


@dataclass
class _Writer:
    """One NDJSON file being written: its hash, size, count and whose data it holds."""

    path: Path
    clients_path: Path | None

    def __post_init__(self) -> None:
        self.digest = hashlib.sha256()
        self.size = 0
        self.count = 0
        self._out = self.path.open("wb")
        self._clients = self.clients_path.open("w", encoding="ascii") if self.clients_path else None
        self._last: tuple[str, int | None] = ("", None)

    def write(
        self, resource: dict[str, Any], client_id: int | None = None, category: str = ""
    ) -> None:
        line = json.dumps(resource, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        self._out.write(line)
        self.digest.update(line)
        self.size += len(line)
        self.count += 1
        # Rows come ordered by client: a client is listed once per run of their rows.
        key = (category, client_id)
        if self._clients is not None and client_id is not None and key != self._last:
            self._clients.write(f"{category} {client_id}\n")
            self._last = key

    def close(self) -> None:
        self._out.close()
        if self._clients is not None:
            self._clients.close()


def run_export(job_id: int) -> None:
    """Run a queued job: write its files, then mark it ready (or failed)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=clock.now()
    )
    if not claimed:
        return  # already run (a worker retried, or two workers raced)
    job = ExportJob.objects.select_related("requested_by__user").get(pk=job_id)
    actor = actor_for_user(job.requested_by.user)
    plan = _plan(job, actor)
    ExportJob.objects.filter(pk=job.pk).update(steps_total=len(plan))
    folder = job_dir(job)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for done, (resource_type, categories) in enumerate(plan, start=1):
            _write_type(job, actor, folder, resource_type, categories)
            ExportJob.objects.filter(pk=job.pk).update(steps_done=done)
    except Exception:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED,
            finished_at=clock.now(),
            error="The export stopped on an error.",
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.COMPLETED, finished_at=clock.now()
    )


def _plan(job: ExportJob, actor: Actor) -> list[tuple[str, list[Category]]]:
    """Each type of the job with the categories of it the requester may see."""
    allowed: set[Category] = set()
    for category in {c for t in job.types for c in categories_of(t)}:
        if visible_clients(actor, category).exists():
            allowed.add(category)
    plan: list[tuple[str, list[Category]]] = []
    for resource_type in job.types:
        if resource_type in PRACTICE_TYPES:
            plan.append((resource_type, []))
            continue
        categories = [c for c in categories_of(resource_type) if c in allowed]
        if categories:
            plan.append((resource_type, categories))
    return plan


def _write_type(
    job: ExportJob, actor: Actor, folder: Path, resource_type: str, categories: list[Category]
) -> None:
    name = f"{resource_type}.ndjson"
    writer = _Writer(folder / name, folder / f"{name}.clients" if categories else None)
    try:
        if not categories:
            for resource in practice_resources(job.practice_id, resource_type=resource_type):
                writer.write(resource)
        for category in categories:
            scope = visible_clients(actor, category)
            for _, _, stream in streams_for([category], resource_type):
                for client_id, resource in stream(scope):
                    writer.write(resource, client_id, category)
    finally:
        writer.close()
    ExportFile.objects.create(
        job=job, resource_type=resource_type, name=name, count=writer.count, size=writer.size,
        sha256=writer.digest.hexdigest(), category=",".join(categories),
    )  # fmt: skip


def manifest(job: ExportJob, *, file_url: str, request_url: str) -> dict[str, Any]:
    """The Bulk Data manifest; each output names its file's SHA-256 (an extension)."""
    return {
        "transactionTime": job.requested_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "request": request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": f.resource_type,
                "url": file_url.format(file_id=f.pk),
                "count": f.count,
                "extension": {"sha256": f.sha256, "size": f.size},
            }
            for f in job.files.order_by("resource_type")
        ],
        "error": [],
    }


def audit_download(actor: Actor, export_file: ExportFile) -> None:
    """Record the download as an export of each client's data in the file, in batches,
    before any of it is sent (flat memory: the ``.clients`` list is read line by line)."""
    detail = f"fhir:export:{export_file.job_id}:{export_file.resource_type}"
    if not export_file.category:
        record_event(source=actor.audit_source, action=AuditAction.EXPORT, detail=detail)
        return
    path = job_dir(export_file.job) / f"{export_file.name}.clients"
    batch: list[int] = []
    current = ""
    with path.open(encoding="ascii") as listed:
        for line in listed:
            category, client_id = line.split()
            if batch and (category != current or len(batch) >= AUDIT_BATCH):
                _audit_batch(actor, batch, current, detail)
                batch = []
            current = category
            batch.append(int(client_id))
    _audit_batch(actor, batch, current, detail)


def _audit_batch(actor: Actor, client_ids: list[int], category: str, detail: str) -> None:
    record_events(
        source=actor.audit_source, action=AuditAction.EXPORT, client_ids=client_ids,
        category=category, detail=detail,
    )  # fmt: skip


def file_lines(export_file: ExportFile, chunk: int = 64 * 1024) -> Iterator[bytes]:
    with (job_dir(export_file.job) / export_file.name).open("rb") as data:
        while block := data.read(chunk):
            yield block
