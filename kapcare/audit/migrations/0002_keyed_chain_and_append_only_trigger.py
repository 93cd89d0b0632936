"""The audit chain becomes keyed (HMAC-SHA256 under KAPCARE_AUDIT_KEY); PostgreSQL refuses
UPDATE and DELETE of audit events.

Existing events were chained with plain SHA-256. They are checked first, the old way, and
the migration stops, naming the first broken event, if the trail was already tampered
with; otherwise every link is recomputed with the key, in order, and the head follows.
This is the one time the trail's rows are rewritten, before the trigger forbids it.
"""

import hashlib
import hmac
import json

from django.db import migrations

FIELDS = ("seq", "at", "actor_id", "client_id", "action", "category", "outcome", "source_ip", "detail")
GENESIS = "0" * 64


def _payload(prev, event):
    import datetime as dt
    import ipaddress

    ip = event.source_ip
    if ip:
        try:
            address = ipaddress.ip_address(ip.split("%", 1)[0])
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
                address = address.ipv4_mapped
            ip = str(address)
        except ValueError:
            ip = None
    values = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "client_id": event.client_id,
        "action": str(event.action),
        "category": event.category,
        "outcome": str(event.outcome),
        "source_ip": ip or None,
        "detail": event.detail,
    }
    return json.dumps(
        [prev, *(values[name] for name in FIELDS)], separators=(",", ":"), ensure_ascii=True, default=str
    ).encode()


def rekey(apps, schema_editor):
    from kapcare.audit.keys import audit_key

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    db = schema_editor.connection.alias
    if not AuditEvent.objects.using(db).exists():
        return
    key = audit_key()
    old_prev, new_prev, expected = GENESIS, GENESIS, 1
    for event in AuditEvent.objects.using(db).order_by("seq").iterator(chunk_size=2000):
        payload_old = _payload(old_prev, event)
        if (
            event.seq != expected
            or event.prev_hash != old_prev
            or event.hash != hashlib.sha256(payload_old).hexdigest()
        ):
            raise RuntimeError(
                f"The audit trail is already broken at event {expected}: it is not re-keyed. "
                "Keep a copy of the database for investigation before going further."
            )
        old_prev = event.hash
        new_hash = hmac.new(key, _payload(new_prev, event), hashlib.sha256).hexdigest()
        AuditEvent.objects.using(db).filter(pk=event.pk).update(prev_hash=new_prev, hash=new_hash)
        new_prev, expected = new_hash, expected + 1
    AuditChainHead.objects.using(db).filter(id=1, hash=old_prev).update(hash=new_prev)


TRIGGER = """
CREATE OR REPLACE FUNCTION kapcare_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS kapcare_audit_append_only ON audit_auditevent;
CREATE TRIGGER kapcare_audit_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION kapcare_audit_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS kapcare_audit_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS kapcare_audit_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(rekey, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
