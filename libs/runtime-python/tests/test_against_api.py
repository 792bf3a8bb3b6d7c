"""The SDK against a real Behalf API (started by conftest.py)."""

from __future__ import annotations

import dataclasses
import os
import tempfile

import pytest

from behalf import (
    ApiProblemError,
    ImpersonationDeniedError,
    InvalidIdentityError,
    Runtime,
    RunStoppedError,
    ViewerUnauthenticatedError,
)
from conftest import USER_PASSWORD, identity_token


@pytest.fixture()
def run(api, world):
    started = api.ok("POST", "/api/v1/webapps/%s/runs" % world["webapp"]["id"], {}, world["admin"])
    yield started
    api.call("DELETE", "/api/v1/webapps/%s/runs/%s" % (world["webapp"]["id"], started["runId"]), None, world["admin"])


def runtime_for(run, **options):
    return Runtime.from_env(run["env"], **options)


def test_viewer_from_the_gateways_identity_token_locally_and_through_the_api(api, world, run):
    token = identity_token(api, run["backendToken"], api.login("sam", USER_PASSWORD))
    for verify_locally in (True, False):
        viewer = runtime_for(run, verify_locally=verify_locally).viewer({"X-Behalf-Identity": token})
        assert (viewer.login, viewer.user_id, viewer.display_name, viewer.email, viewer.groups, viewer.anonymous) == (
            "sam",
            world["people"]["sam"]["id"],
            "Sam",
            "sam@example.com",
            ["sales"],
            False,
        )
        assert token not in repr(viewer)
        assert token not in str(dataclasses.asdict(viewer)) and token not in str(vars(viewer))


def test_a_tampered_token_is_refused_locally_and_by_the_api(api, world, run):
    token = identity_token(api, run["backendToken"], api.login("sam", USER_PASSWORD))
    head, payload, signature = token.split(".")
    tampered = "%s.%s.%s" % (head, payload, ("A" if signature[0] != "A" else "B") + signature[1:])
    with pytest.raises(InvalidIdentityError) as local:
        runtime_for(run, verify_locally=True).viewer({"x-behalf-identity": tampered})
    assert local.value.reason == "signature" and local.value.status == 401
    with pytest.raises(ViewerUnauthenticatedError):
        runtime_for(run, verify_locally=False).viewer({"x-behalf-identity": tampered})


def test_auth_info_with_secrets_gives_only_consented_ones_as_a_dict(api, world, run):
    sam = api.login("sam", USER_PASSWORD)
    api.ok("PUT", "/api/v1/users/me/secrets/warehouse", {"value": "wh-pass-1"}, sam)
    api.ok("PUT", "/api/v1/users/me/secrets/unrelated", {"value": "nope"}, sam)
    behalf = runtime_for(run)
    headers = {"x-behalf-identity": identity_token(api, run["backendToken"], sam)}
    before = behalf.auth_info(headers, with_secrets=True)
    assert before.secrets == {} and before.secrets_without_consent == ["warehouse"]
    api.ok("PUT", "/api/v1/users/me/secret-consents/%s" % world["webapp"]["id"], {"names": ["warehouse"]}, sam)
    after = behalf.auth_info(headers, with_secrets=True)
    assert after.secrets == {"warehouse": "wh-pass-1"}
    assert after.viewer.login == "sam"


def test_as_viewer_reads_and_writes_datasets_as_the_viewer_and_outside_it_as_the_run(api, world, run):
    behalf = runtime_for(run)
    sam = behalf.viewer({"x-behalf-identity": identity_token(api, run["backendToken"], api.login("sam", USER_PASSWORD))})
    dataset = world["dataset"]
    with behalf.as_viewer(sam):
        assert [d["name"] for d in behalf.datasets.list()] == ["sales-2026"]
        assert behalf.datasets.read_text(dataset["id"], "q1/summary.csv") == "region,total\nnorth,10\n"
        written = behalf.datasets.write(dataset["id"], "notes/from sam.txt", "hello")
        assert written["path"] == "notes/from sam.txt" and written["size"] == 5
        assert [f["path"] for f in behalf.datasets.files(dataset["id"], prefix="notes/")] == ["notes/from sam.txt"]
        behalf.datasets.delete(dataset["id"], "notes/from sam.txt")
        assert behalf.current_viewer() == sam
    assert behalf.current_viewer() is None
    # The run's own identity may not read the sales dataset.
    assert behalf.datasets.list() == []
    with pytest.raises(ApiProblemError) as denied:
        behalf.datasets.read(dataset["id"], "q1/summary.csv")
    assert denied.value.status in (403, 404)
    # Each call made as sam is recorded with the run's identity as the actor.
    events = api.ok("GET", "/api/v1/users/me/impersonation-events", None, api.login("sam", USER_PASSWORD))["items"]
    assert any(e["actor"]["login"] == "runner" and e["action"] == "dataset.file.create" for e in events), events


def test_a_viewer_without_a_grant_is_refused_with_the_policys_reason(api, world, run):
    behalf = runtime_for(run)
    hana = behalf.viewer({"x-behalf-identity": identity_token(api, run["backendToken"], api.login("hana", USER_PASSWORD))})
    with pytest.raises(ImpersonationDeniedError) as refused:
        with behalf.as_viewer(hana):
            behalf.datasets.list()
    assert (refused.value.reason, refused.value.status) == ("no_grant", 403)


def test_a_stopped_run_surfaces_as_run_stopped_for_refresh_and_exchange(api, world, run):
    directory = tempfile.mkdtemp()
    path = os.path.join(directory, "token")
    with open(path, "w") as f:
        f.write(run["backendToken"])
    env = dict(run["env"])
    del env["BEHALF_BACKEND_TOKEN"]
    env["BEHALF_BACKEND_TOKEN_FILE"] = path
    behalf = Runtime.from_env(env)
    sam = behalf.viewer({"x-behalf-identity": identity_token(api, run["backendToken"], api.login("sam", USER_PASSWORD))})
    api.ok("DELETE", "/api/v1/webapps/%s/runs/%s" % (world["webapp"]["id"], run["runId"]), None, world["admin"])
    with pytest.raises(RunStoppedError):
        with behalf.as_viewer(sam):
            behalf.datasets.list()
    behalf._held.renew_at = 0  # as if four fifths of its life had passed
    with pytest.raises(RunStoppedError):
        behalf.backend_token()
