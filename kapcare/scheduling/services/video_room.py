"""A clinician's video room: the fixed link of their telehealth service, which the portal
and the reminders show for their video sessions.

Who may set it is who may change the person's schedule (``scheduling.access``): the
person, or front desk for everyone. Staff data, not client data; the change is audited.
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from kapcare.audit.models import AuditAction
from kapcare.audit.services import record_event
from kapcare.core.errors import FieldError
from kapcare.people.access import Actor
from kapcare.people.models import StaffMember
from kapcare.people.policy import Category
from kapcare.scheduling.access import access_staff

__all__ = ["MAX_URL", "set_video_room"]

MAX_URL = 300
_HTTPS = URLValidator(schemes=["https"])


def set_video_room(*, actor: Actor, staff_id: int, url: str) -> StaffMember:
    """Set (or, with ``""``, clear) the person's video room link."""
    member = access_staff(actor, staff_id, change=True, detail=f"video_room:{staff_id}")
    link = url.strip()
    if len(link) > MAX_URL:
        raise FieldError("url", f"Keep the link to {MAX_URL} characters.")
    if link:
        try:
            _HTTPS(link)
        except ValidationError:
            raise FieldError(
                "url", "Enter the full link of the video room, starting with https://."
            ) from None
    member.video_room_url = link
    member.save(update_fields=["video_room_url"])
    record_event(
        source=actor.audit_source,
        action=AuditAction.UPDATE,
        category=Category.SCHEDULE,
        detail=f"video_room:{staff_id}:{'set' if link else 'cleared'}",
    )
    return member
