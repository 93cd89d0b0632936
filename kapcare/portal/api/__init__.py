"""The portal's API, one module per concern on one router: ``client`` (the client's own
``/api/v1/portal/...``, the journal the care team reads, the consent documents) and
``invitations`` (staff inviting a client, portal access), ``intake`` (the client's own
intake, and the one they sent for the care team), ``questionnaires`` (the client's).
Operation ids keep the ``kapcare_portal_api_`` prefix (``KapCareAPI.get_openapi_operation_id``)."""

from kapcare.portal.api import client, intake, invitations, questionnaires
from kapcare.portal.api.router import router

__all__ = ["client", "intake", "invitations", "questionnaires", "router"]
