from django.urls import path

from kapcare.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("welcome/", views.welcome, name="welcome"),
    path("welcome/<str:token>/", views.welcome_link, name="welcome-link"),
    path("account/", views.account, name="account"),
    path("intake/", views.intake, name="intake"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/done/", views.questionnaire_done, name="questionnaire-done"),
    path("questionnaires/<int:task_id>/", views.questionnaire, name="questionnaire"),
    path("account/sign-out-everywhere", views.sign_out_all, name="sign-out-everywhere"),
    path("consents/", views.consents, name="consents"),
    path("consents/<int:document_id>/", views.consent_document, name="consent-document"),
    path("consents/signed/<int:signed_id>.pdf", views.consent_pdf, name="consent-pdf"),
    path("consents/signed/<int:signed_id>/revoke", views.consent_revoke, name="consent-revoke"),
    path("journal/", views.journal, name="journal"),
    path("journal/intentions/", views.journal_new, {"kind": "intentions"}, name="intentions-new"),
    path("journal/write/", views.journal_new, {"kind": "journal"}, name="journal-new"),
    path("journal/<int:entry_id>/share", views.journal_share, name="journal-share"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/book/", views.session_book, name="session-book"),
    path("sessions/medicine-request/", views.medicine_request, name="medicine-request"),
    path("sessions/<int:session_id>.ics", views.session_ics, name="session-ics"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session-cancel"),
    path("sessions/<int:session_id>/location/", views.session_location, name="session-location"),
    path("pause/", views.pause, name="pause"),
    path("learn/", views.learn, name="learn"),
    path("learn/<slug:topic>/", views.learn_topic, name="learn-topic"),
]
