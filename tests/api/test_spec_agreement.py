"""What the API sends and accepts agrees with its OpenAPI document: an empty choice in a
filter is refused like any unknown one, and a deleted comment's empty body is allowed by the
Comment schema (``minLength`` is an input rule, not promised for outputs)."""

from __future__ import annotations

from plugins.comments.models import Comment
from workspace.extensions import db


def _comment_schema(client) -> dict:
    doc = client.get("/api/v1/openapi.json").json
    return doc["components"]["schemas"]["Comment"]


def test_an_empty_choice_in_a_filter_is_refused(roles_project, api_for):
    project, people = roles_project
    api = api_for(people["director"])
    for url in (
        f"/api/v1/projects/{project.id}/funding/lines?status=",
        f"/api/v1/projects/{project.id}/funding/lines?kind=",
        f"/api/v1/projects/{project.id}/milestones/milestones?status=",
    ):
        r = api.get(url)
        assert r.status_code == 400, url
        assert set(r.json["error"]["fields"]) & {"status", "kind"}, r.json
    assert api.get(f"/api/v1/projects/{project.id}/funding/lines?status=granted").status_code == 200
    for url in (  # a control character alone is removed by the input guard: empty, refused
        f"/api/v1/projects/{project.id}/board/tasks?limit=%17",
        f"/api/v1/projects/{project.id}/board/tasks?archived=",
        f"/api/v1/projects/{project.id}/board/tasks?column_id=",
    ):
        r = api.get(url)
        assert r.status_code == 400 and r.json["error"]["fields"], url
    assert api.get(f"/api/v1/projects/{project.id}/activity?type=").status_code == 200


def test_an_id_beyond_32_bits_is_not_found_whatever_the_method(roles_project, api_for):
    project, people = roles_project
    api = api_for(people["coordinator"])
    url = f"/api/v1/projects/{project.id}/board/tasks/{2**31}"
    for method in ("GET", "PATCH", "DELETE"):
        r = api.call(method, url, json={}, headers={"If-Match": "*"})
        assert r.status_code == 404 and r.json["error"]["code"] == 404, method
    wrong = api.call("PUT", f"/api/v1/projects/{project.id}/board/tasks")
    assert wrong.status_code == 405 and set(wrong.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_deleted_comment_matches_its_schema(roles_project, api_for):
    from plugins.board import operations as board_ops
    from plugins.board.setup import ensure_columns

    project, people = roles_project
    column = ensure_columns(project)[0]
    task = board_ops.create_task(project, people["director"], column, title="Convention")
    db.session.commit()
    api = api_for(people["director"])
    base = f"/api/v1/projects/{project.id}/comments/comments"
    created = api.post(base, json={"object_type": "task", "object_id": task.id, "body": "Bonjour"})
    assert created.status_code == 201, created.json
    cid = created.json["id"]
    etag = api.get(f"{base}/{cid}").headers["ETag"]
    assert api.delete(f"{base}/{cid}", headers={"If-Match": etag}).status_code == 204
    served = api.get(f"{base}/{cid}").json
    assert served["deleted_at"] is not None and served["body"] == ""
    schema = _comment_schema(api.client)
    for name, rules in schema["properties"].items():
        value = served[name]
        if isinstance(value, str) and "minLength" in rules:
            assert len(value) >= rules["minLength"], (name, value, rules)
    assert "minLength" not in schema["properties"]["body"]
    assert db.session.get(Comment, cid).deleted_at is not None


def test_the_create_schema_still_requires_a_body(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    assert doc["components"]["schemas"]["CommentCreate"]["properties"]["body"]["minLength"] == 1


def test_if_match_is_declared_required_where_the_server_requires_it(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    header = doc["components"]["parameters"]["IF_MATCH"]
    assert header["in"] == "header" and header["required"] is True
    ref = {"$ref": "#/components/parameters/IF_MATCH"}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            declared = ref in op.get("parameters", [])
            if method == "patch" or path.endswith("/decision"):
                assert declared, (method, path)
                assert {"412", "428"} <= set(op["responses"]), (method, path)
            else:
                assert not declared, (method, path)


def test_every_operation_has_an_id_a_permission_and_the_error_shape(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) and "board_api_update_task" in ids
    error = {"$ref": "#/components/schemas/Error"}
    for item in doc["paths"].values():
        for op in item.values():
            assert op["x-permission"] and op["summary"], op["operationId"]
            for code in ("400", "401", "403", "404", "429"):
                ref = op["responses"][code]["$ref"].rsplit("/", 1)[-1]
                content = doc["components"]["responses"][ref]["content"]
                assert content["application/json"]["schema"] == error


def test_a_conditional_get_answers_304_without_a_body(roles_project, api_for):
    project, people = roles_project
    api = api_for(people["director"])
    url = f"/api/v1/projects/{project.id}"
    first = api.get(url)
    etag = first.headers["ETag"]
    again = api.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert api.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_required_text_is_never_blank_even_in_a_partial_update(roles_project, api_for):
    project, people = roles_project
    api = api_for(people["coordinator"])
    url = f"/api/v1/projects/{project.id}"
    r = api.patch(url, {"name": "   "}, headers={"If-Match": "*"})
    assert r.status_code == 400 and "name" in r.json["error"]["fields"]
    doc = api.client.get("/api/v1/openapi.json").json
    assert doc["components"]["schemas"]["ProjectUpdate"]["properties"]["name"]["minLength"] == 1
    assert "required" not in doc["components"]["schemas"]["ProjectUpdate"]


def test_a_control_character_in_a_query_is_refused_not_removed(roles_project, api_for):
    project, people = roles_project
    api = api_for(people["director"])
    base = f"/api/v1/projects/{project.id}/activity"
    for raw in ("%00", "a%01b", "%1b"):
        r = api.get(f"{base}?type={raw}")
        assert r.status_code == 400 and "type" in r.json["error"]["fields"], raw
    long = api.get(f"{base}?type={'x' * 40}%01")  # 41 characters sent: over the 40 allowed
    assert long.status_code == 400
