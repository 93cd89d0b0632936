"""The OpenAPI schema is public and complete; the interactive docs need sign-in."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client as HttpClient

from kapcare.people.policy import Role

SignedIn = Callable[[Role], HttpClient]

OPERATIONS = {
    ("get", "/api/v1/clients"),
    ("post", "/api/v1/clients"),
    ("get", "/api/v1/clients/{client_id}"),
    ("patch", "/api/v1/clients/{client_id}"),
    ("get", "/api/v1/locations"),
    ("get", "/api/v1/rooms"),
    ("get", "/api/v1/staff"),
    ("get", "/api/v1/audit-events"),
}
LISTS = {path for method, path in OPERATIONS if method == "get" and "{" not in path}


@pytest.fixture
def schema(client: HttpClient, db: None) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data: dict[str, Any] = response.json()
    return data


def _refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _schema_ref(operation: dict[str, Any], status: str) -> str:
    ref: str = operation["responses"][status]["content"]["application/json"]["schema"]["$ref"]
    return ref


def _schema_refs(operation: dict[str, Any], status: str) -> set[str]:
    """The shapes an answer may take: one ``$ref``, or several under ``anyOf``."""
    shape = operation["responses"][status]["content"]["application/json"]["schema"]
    return {s["$ref"] for s in shape.get("anyOf", [shape])}


def test_schema_is_public_and_lists_every_operation(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.")
    assert (schema["info"]["title"], schema["info"]["version"]) == ("KAP Care API", "1")
    operations = {(m, p) for p, item in schema["paths"].items() for m in item}
    # issue 2's operations (other apps add theirs beside them)
    assert operations >= OPERATIONS


def test_no_object_in_the_document_repeats_a_key(client: HttpClient, db: None) -> None:
    # Swagger UI refuses a document with a repeated key ("duplicated mapping key").
    def refuse_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=refuse_repeats)


def test_every_reference_resolves(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    refs = set(_refs(schema))
    assert refs  # the walk found the references
    for ref in refs:
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in components, ref


def test_operations_are_documented_with_ids_and_descriptions(schema: dict[str, Any]) -> None:
    ids = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            ids.append(operation["operationId"])
            assert operation["security"] == [{"BearerToken": []}, {"StaffSession": []}]
            if (method, path) in OPERATIONS:
                assert operation["description"].strip(), operation["operationId"]
    assert len(ids) == len(set(ids))
    assert schema["components"]["securitySchemes"] == {
        "BearerToken": {"type": "http", "scheme": "bearer"},
        "StaffSession": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
    }


def test_every_operation_documents_the_api_wide_error_answers(schema: dict[str, Any]) -> None:
    for item in schema["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            # every answer has a JSON schema, but the web server's own 414 (an address
            # over its limit: it answers before the API, in HTML)
            for status in responses.keys() - {"414"}:
                assert _schema_refs(operation, status)
            if operation["parameters"]:
                assert list(responses["414"]["content"]) == ["text/html"]
            assert _schema_ref(operation, "401") == "#/components/schemas/Message"
            if operation["parameters"] or "requestBody" in operation:
                assert "#/components/schemas/ValidationErrorOut" in _schema_refs(operation, "422")
            if "requestBody" in operation:
                for status in ("400", "413", "415"):
                    assert _schema_ref(operation, status) == "#/components/schemas/Message"


def test_issue_2_operations_document_their_error_answers(schema: dict[str, Any]) -> None:
    for method, path in OPERATIONS:
        operation = schema["paths"][path][method]
        responses = operation["responses"]
        assert _schema_ref(operation, "404") == "#/components/schemas/Message"
        too_long = {"414"} if operation["parameters"] else set()
        if method == "get":
            # lists and the one-client read: the data, or not signed in, not found, bad query
            assert set(responses) == {"200", "401", "404", "422", *too_long}
        else:
            success = "201" if method == "post" else "200"
            # creating a client also answers 409: a likely duplicate (issue 9)
            conflict = {"409"} if (method, path) == ("post", "/api/v1/clients") else set()
            assert set(responses) == {
                success, "400", "401", "403", "404", "413", "415", "422", *conflict, *too_long
            }  # fmt: skip


def test_list_answers_are_pages(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    for path in LISTS:
        operation = schema["paths"][path]["get"]
        page = components[_schema_ref(operation, "200").removeprefix("#/components/schemas/")]
        assert set(page["properties"]) == {"items", "count"}
        assert page["required"] == ["items", "count"]
        params = {p["name"] for p in operation["parameters"]}
        assert {"limit", "offset"} <= params


def test_error_shapes(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    assert components["Message"]["required"] == ["detail"]
    assert components["ValidationErrorOut"]["required"] == ["detail", "errors"]
    assert components["FieldMessageOut"]["required"] == ["field", "message"]


def test_client_create_contract(schema: dict[str, Any]) -> None:
    client_in = schema["components"]["schemas"]["ClientIn"]
    assert {
        "given_name",
        "family_name",
        "date_of_birth",
        "email",
        "phone",
        "home_state",
        "care_team",
    } <= set(client_in["properties"])
    assert client_in["required"] == ["given_name", "family_name", "date_of_birth", "home_state"]


def test_docs_redirect_anonymous_visitors_to_sign_in(client: HttpClient, db: None) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/api/v1/docs"


def test_docs_are_shown_to_signed_in_staff(signed_in: SignedIn) -> None:
    response = signed_in(Role.THERAPIST).get("/api/v1/docs")
    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content
