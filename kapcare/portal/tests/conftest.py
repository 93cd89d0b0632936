from kapcare.portal.tests.fixtures import consent_documents, portal, portal_actor, portal_user

__all__ = ["consent_documents", "portal", "portal_actor", "portal_user"]
