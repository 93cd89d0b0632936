"""The portal's pages, one module per concern; every one starts from ``portal_actor``
(the invitation pages excepted: their link is the key)."""

from kapcare.portal.views.account import account, sign_out_all
from kapcare.portal.views.consents import consent_document, consent_pdf, consent_revoke, consents
from kapcare.portal.views.home import home
from kapcare.portal.views.intake import intake
from kapcare.portal.views.journal import journal, journal_new, journal_share
from kapcare.portal.views.learn import learn, learn_topic
from kapcare.portal.views.measures import questionnaire, questionnaire_done, questionnaires
from kapcare.portal.views.pause import pause
from kapcare.portal.views.sessions import (
    medicine_request,
    session_book,
    session_cancel,
    session_ics,
    session_location,
    sessions,
)
from kapcare.portal.views.welcome import welcome, welcome_link

__all__ = [
    "account",
    "consent_document",
    "consent_pdf",
    "consent_revoke",
    "consents",
    "home",
    "intake",
    "journal",
    "journal_new",
    "journal_share",
    "learn",
    "learn_topic",
    "medicine_request",
    "pause",
    "questionnaire",
    "questionnaire_done",
    "questionnaires",
    "session_book",
    "session_cancel",
    "session_ics",
    "session_location",
    "sessions",
    "sign_out_all",
    "welcome",
    "welcome_link",
]
