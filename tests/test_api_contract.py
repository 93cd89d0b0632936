"""The API's paths and operation ids are a contract: moving code must not change them.

Generated clients name their methods after the operation ids; issue 8 moved and split
the modules the ids were once derived from, so the whole list is pinned here. Adding
an endpoint adds a line; changing one is a decision, not a side effect.
"""

from typing import Any

from kapcare.api import api

OPERATIONS = {
    ("GET", "/api/v1/appointments", "kapcare_scheduling_api_list_appointments"),
    ("POST", "/api/v1/appointments", "kapcare_scheduling_api_book_appointment"),
    ("POST", "/api/v1/appointments/check", "kapcare_scheduling_api_check_appointment"),
    (
        "POST",
        "/api/v1/appointments/{appointment_id}/reschedule",
        "kapcare_scheduling_api_reschedule_appointment",
    ),
    ("POST", "/api/v1/appointments/{appointment_id}/status", "kapcare_scheduling_api_set_status"),
    (
        "GET",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record",
        "kapcare_medicine_api_get_medicine_record",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/addenda",
        "kapcare_medicine_api_post_medicine_addendum",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/adverse-events",
        "kapcare_medicine_api_post_medicine_adverse_event",
    ),
    (
        "PUT",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/checklist",
        "kapcare_medicine_api_put_medicine_checklist",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/discharge",
        "kapcare_medicine_api_post_medicine_discharge",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/doses",
        "kapcare_medicine_api_post_medicine_dose",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/observations",
        "kapcare_medicine_api_post_medicine_observation",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/predose-acknowledgement",
        "kapcare_medicine_api_acknowledge_medicine_predose",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/sign",
        "kapcare_medicine_api_sign_medicine_record",
    ),
    (
        "PUT",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/note",
        "kapcare_medicine_api_put_therapist_note",
    ),
    (
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/vitals",
        "kapcare_medicine_api_post_medicine_vitals",
    ),
    ("GET", "/api/v1/audit-events", "kapcare_audit_api_list_audit_events"),
    (
        "POST",
        "/api/v1/clients/{client_id}/emergency-access",
        "kapcare_people_emergency_api_request_emergency_access",
    ),
    (
        "GET",
        "/api/v1/emergency-accesses",
        "kapcare_people_emergency_api_list_emergency_accesses",
    ),
    (
        "POST",
        "/api/v1/emergency-accesses/{access_id}/review",
        "kapcare_people_emergency_api_review_emergency_access",
    ),
    ("GET", "/api/v1/me/api-tokens", "kapcare_accounts_api_list_my_api_tokens"),
    (
        "POST",
        "/api/v1/me/api-tokens/{token_id}/revoke",
        "kapcare_accounts_api_revoke_my_api_token",
    ),
    ("GET", "/api/v1/availability", "search_availability"),
    ("GET", "/api/v1/clients", "kapcare_people_api_list_clients"),
    ("POST", "/api/v1/clients", "kapcare_people_api_create_client"),
    ("POST", "/api/v1/clients/import", "kapcare_interop_api_v1_import_clients"),
    ("GET", "/api/v1/reports/outcomes", "kapcare_interop_outcomes_api_get_practice_outcomes"),
    ("GET", "/api/v1/clients/{client_id}", "kapcare_people_api_get_client"),
    ("PATCH", "/api/v1/clients/{client_id}", "kapcare_people_api_update_client"),
    (
        "GET",
        "/api/v1/clients/{client_id}/care-team/changes",
        "kapcare_people_api_list_care_team_changes",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/care-team/changes",
        "kapcare_people_api_change_care_team",
    ),
    ("POST", "/api/v1/clients/{client_id}/clearances", "kapcare_scheduling_api_post_clearance"),
    ("POST", "/api/v1/clients/{client_id}/consents", "kapcare_scheduling_api_post_consent"),
    ("POST", "/api/v1/clients/{client_id}/dose-orders", "kapcare_scheduling_api_post_dose_order"),
    (
        "GET",
        "/api/v1/clients/{client_id}/measure-assignments",
        "kapcare_measures_api_list_measure_assignments",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/measure-assignments",
        "kapcare_measures_api_create_measure_assignment",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/measure-assignments/{assignment_id}/end",
        "kapcare_measures_api_end_measure_assignment",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/measure-links",
        "kapcare_measures_api_issue_measure_link",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/measure-links/{link_id}/withdraw",
        "kapcare_measures_api_withdraw_measure_link",
    ),
    ("GET", "/api/v1/clients/{client_id}/measures", "kapcare_measures_api_list_measures"),
    ("POST", "/api/v1/clients/{client_id}/measures", "kapcare_measures_api_record_measure"),
    (
        "GET",
        "/api/v1/clients/{client_id}/medical-screenings",
        "kapcare_medicine_api_list_medical_screenings",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/medical-screenings",
        "kapcare_medicine_api_post_medical_screening",
    ),
    ("PUT", "/api/v1/clients/{client_id}/plan", "kapcare_scheduling_api_put_plan"),
    ("GET", "/api/v1/clients/{client_id}/risk-flags", "kapcare_measures_api_list_risk_flags"),
    (
        "POST",
        "/api/v1/clients/{client_id}/risk-flags/{flag_id}/review",
        "kapcare_measures_api_review_risk_flag",
    ),
    ("POST", "/api/v1/consents/{consent_id}/revoke", "kapcare_scheduling_api_revoke_consent"),
    ("GET", "/api/v1/instruments", "kapcare_measures_api_list_instruments"),
    ("POST", "/api/v1/instruments/{code}/score", "kapcare_measures_api_score_instrument"),
    ("GET", "/api/v1/locations", "kapcare_people_api_list_locations"),
    ("GET", "/api/v1/practice/medicine-settings", "get_medicine_settings"),
    ("PUT", "/api/v1/practice/medicine-settings", "put_medicine_settings"),
    ("GET", "/api/v1/practice/scheduling-settings", "get_scheduling_settings"),
    ("PUT", "/api/v1/practice/scheduling-settings", "put_scheduling_settings"),
    ("GET", "/api/v1/rooms", "kapcare_people_api_list_rooms"),
    ("GET", "/api/v1/staff", "kapcare_people_api_list_staff"),
    ("DELETE", "/api/v1/staff/{staff_id}/calendar-feed", "revoke_calendar_feed"),
    ("GET", "/api/v1/staff/{staff_id}/calendar-feed", "get_calendar_feed"),
    ("POST", "/api/v1/staff/{staff_id}/calendar-feed", "rotate_calendar_feed"),
    ("GET", "/api/v1/staff/{staff_id}/time-off", "list_time_off"),
    ("POST", "/api/v1/staff/{staff_id}/time-off", "add_time_off"),
    ("DELETE", "/api/v1/staff/{staff_id}/time-off/{time_off_id}", "delete_time_off"),
    ("GET", "/api/v1/staff/{staff_id}/working-hours", "get_working_hours"),
    ("PUT", "/api/v1/staff/{staff_id}/working-hours", "put_working_hours"),
    ("GET", "/api/v1/staff/{staff_id}/video-room", "get_video_room"),
    ("PUT", "/api/v1/staff/{staff_id}/video-room", "put_video_room"),
    # therapy (issue 10)
    ("GET", "/api/v1/clients/{client_id}/diagnoses", "kapcare_pathway_api_list_diagnoses"),
    ("POST", "/api/v1/clients/{client_id}/diagnoses", "kapcare_pathway_api_post_diagnosis"),
    ("POST", "/api/v1/diagnoses/{diagnosis_id}/resolve", "kapcare_pathway_api_resolve_diagnosis"),
    ("GET", "/api/v1/clients/{client_id}/plan", "kapcare_pathway_api_get_plan"),
    ("POST", "/api/v1/clients/{client_id}/plan/problems", "kapcare_pathway_api_post_plan_problem"),
    ("POST", "/api/v1/clients/{client_id}/plan/goals", "kapcare_pathway_api_post_plan_goal"),
    ("PATCH", "/api/v1/plan-goals/{goal_id}", "kapcare_pathway_api_patch_plan_goal"),
    ("PATCH", "/api/v1/plan-problems/{problem_id}", "kapcare_pathway_api_patch_plan_problem"),
    (
        "POST",
        "/api/v1/plan-problems/{problem_id}/resolve",
        "kapcare_pathway_api_resolve_plan_problem",
    ),
    (
        "POST",
        "/api/v1/plan-interventions/{intervention_id}/end",
        "kapcare_pathway_api_end_plan_intervention",
    ),
    (
        "POST",
        "/api/v1/clients/{client_id}/plan/interventions",
        "kapcare_pathway_api_post_plan_intervention",
    ),
    ("GET", "/api/v1/clients/{client_id}/plan/reviews", "kapcare_pathway_api_list_plan_reviews"),
    ("POST", "/api/v1/clients/{client_id}/plan/reviews", "kapcare_pathway_api_post_plan_review"),
    ("GET", "/api/v1/clients/{client_id}/emdr-targets", "kapcare_notes_api_list_emdr_targets"),
    ("GET", "/api/v1/clients/{client_id}/parts", "kapcare_notes_api_list_parts"),
    (
        "GET",
        "/api/v1/clients/{client_id}/psychotherapy-notes",
        "kapcare_notes_api_list_psychotherapy_notes",
    ),
    ("GET", "/api/v1/clients/{client_id}/session-notes", "kapcare_notes_api_list_session_notes"),
    ("GET", "/api/v1/emdr-targets/{target_id}", "kapcare_notes_api_get_emdr_target"),
    ("GET", "/api/v1/parts/{part_id}", "kapcare_notes_api_get_part"),
    (
        "GET",
        "/api/v1/psychotherapy-notes/{psychotherapy_note_id}",
        "kapcare_notes_api_get_psychotherapy_note",
    ),
    ("GET", "/api/v1/session-notes/{note_id}", "kapcare_notes_api_get_session_note"),
    ("PATCH", "/api/v1/parts/{part_id}", "kapcare_notes_api_patch_part"),
    ("PATCH", "/api/v1/session-notes/{note_id}", "kapcare_notes_api_save_session_note"),
    (
        "POST",
        "/api/v1/appointments/{appointment_id}/session-note",
        "kapcare_notes_api_start_session_note",
    ),
    ("POST", "/api/v1/clients/{client_id}/emdr-targets", "kapcare_notes_api_post_emdr_target"),
    ("POST", "/api/v1/clients/{client_id}/parts", "kapcare_notes_api_post_part"),
    (
        "POST",
        "/api/v1/clients/{client_id}/psychotherapy-notes",
        "kapcare_notes_api_post_psychotherapy_note",
    ),
    ("POST", "/api/v1/emdr-targets/{target_id}/sessions", "kapcare_notes_api_post_emdr_session"),
    (
        "POST",
        "/api/v1/session-notes/{note_id}/addenda",
        "kapcare_notes_api_add_session_note_addendum",
    ),
    ("POST", "/api/v1/session-notes/{note_id}/cosign", "kapcare_notes_api_cosign_session_note"),
    ("POST", "/api/v1/session-notes/{note_id}/sign", "kapcare_notes_api_sign_session_note"),
    (
        "POST",
        "/api/v1/session-notes/{note_id}/emdr-sessions",
        "kapcare_notes_api_link_session_note_emdr",
    ),
    ("PUT", "/api/v1/staff/{staff_id}/note-supervision", "kapcare_notes_api_put_note_supervision"),
    # intensives (issue 15)
    ("GET", "/api/v1/intensives/templates", "kapcare_intensives_api_list_templates"),
    ("POST", "/api/v1/intensives/templates", "kapcare_intensives_api_post_template"),
    (
        "GET",
        "/api/v1/intensives/templates/{template_id}",
        "kapcare_intensives_api_get_template",
    ),
    (
        "PUT",
        "/api/v1/intensives/templates/{template_id}",
        "kapcare_intensives_api_put_template",
    ),
    (
        "GET",
        "/api/v1/clients/{client_id}/intensive-plan",
        "kapcare_intensives_api_get_intensive_plan",
    ),
    (
        "PUT",
        "/api/v1/clients/{client_id}/intensive-plan",
        "kapcare_intensives_api_put_intensive_plan",
    ),
    ("POST", "/api/v1/intensives/plan", "kapcare_intensives_api_plan_intensives"),
    (
        "POST",
        "/api/v1/clients/{client_id}/portal-invitation",
        "kapcare_portal_api_create_portal_invitation",
    ),
    ("GET", "/api/v1/clients/{client_id}/portal-access", "kapcare_portal_api_get_portal_access"),
    ("GET", "/api/v1/clients/{client_id}/intake", "kapcare_portal_api_get_intake"),
    (
        "POST",
        "/api/v1/clients/{client_id}/portal-access/end",
        "kapcare_portal_api_end_client_portal_access",
    ),
    ("POST", "/api/v1/intensives/book", "kapcare_intensives_api_book_intensives"),
    # portal (issue 11): the client's own intentions and journal; the shared ones
    ("GET", "/api/v1/portal/journal", "kapcare_portal_api_list_my_journal"),
    # portal (issue 11): the client's own intake and questionnaires
    ("GET", "/api/v1/portal/intake", "kapcare_portal_api_get_my_intake"),
    ("PUT", "/api/v1/portal/intake", "kapcare_portal_api_save_my_intake"),
    ("POST", "/api/v1/portal/intake/send", "kapcare_portal_api_send_my_intake"),
    ("GET", "/api/v1/portal/questionnaires", "kapcare_portal_api_list_my_questionnaires"),
    (
        "GET",
        "/api/v1/portal/questionnaires/{task_id}",
        "kapcare_portal_api_get_my_questionnaire",
    ),
    (
        "POST",
        "/api/v1/portal/questionnaires/{task_id}/answers",
        "kapcare_portal_api_answer_my_questionnaire",
    ),
    ("POST", "/api/v1/portal/journal", "kapcare_portal_api_post_my_journal"),
    (
        "POST",
        "/api/v1/portal/journal/{entry_id}/share",
        "kapcare_portal_api_share_my_journal_entry",
    ),
    (
        "GET",
        "/api/v1/clients/{client_id}/shared-journal",
        "kapcare_portal_api_list_shared_journal",
    ),
    # portal (issue 11): the client's sessions, booking, pause; the consent documents
    ("GET", "/api/v1/portal/sessions", "kapcare_portal_api_list_my_sessions"),
    ("POST", "/api/v1/portal/sessions", "kapcare_portal_api_book_my_session"),
    (
        "POST",
        "/api/v1/portal/sessions/{session_id}/cancel",
        "kapcare_portal_api_cancel_my_session",
    ),
    (
        "POST",
        "/api/v1/portal/sessions/{session_id}/location",
        "kapcare_portal_api_confirm_my_location",
    ),
    ("GET", "/api/v1/portal/availability", "kapcare_portal_api_list_my_availability"),
    ("POST", "/api/v1/portal/medicine-requests", "kapcare_portal_api_ask_for_medicine_session"),
    ("POST", "/api/v1/portal/pause", "kapcare_portal_api_pause_my_plan"),
    ("GET", "/api/v1/consent-documents", "kapcare_portal_api_list_consent_documents"),
    ("POST", "/api/v1/consent-documents", "kapcare_portal_api_publish_consent_document"),
    # Integrity of exports (issue 12, ADR 0025)
    ("GET", "/api/v1/exports/verify/{sha256}", "kapcare_audit_api_verify_exported_document"),
}


def test_every_path_and_operation_id_is_the_documented_one() -> None:
    schema: dict[str, Any] = api.get_openapi_schema()

    found = {
        (method.upper(), path, operation["operationId"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }

    assert found == OPERATIONS
