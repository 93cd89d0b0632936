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
        "POST",
        "/api/v1/appointments/{medicine_appointment_id}/medicine-record/vitals",
        "kapcare_medicine_api_post_medicine_vitals",
    ),
    ("GET", "/api/v1/audit-events", "kapcare_audit_api_list_audit_events"),
    ("GET", "/api/v1/availability", "search_availability"),
    ("GET", "/api/v1/clients", "kapcare_people_api_list_clients"),
    ("POST", "/api/v1/clients", "kapcare_people_api_create_client"),
    ("GET", "/api/v1/clients/{client_id}", "kapcare_people_api_get_client"),
    ("PATCH", "/api/v1/clients/{client_id}", "kapcare_people_api_update_client"),
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
}


def test_every_path_and_operation_id_is_the_documented_one() -> None:
    schema: dict[str, Any] = api.get_openapi_schema()

    found = {
        (method.upper(), path, operation["operationId"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }

    assert found == OPERATIONS
