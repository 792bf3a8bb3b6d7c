"""A real Behalf API for the SDK's tests: the built server (dist/apps/api/main.js) on a database the
caller provides (BEHALF_TEST_DATABASE_URL: jest's e2e spec clones one from its migrated template),
on a free port, stopped at the end."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[3]
ADMIN_PASSWORD = "python-sdk-admin-pw-0"
USER_PASSWORD = "python-sdk-user-pw-00"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    """Calls to the API as a test's people: JSON in and out, a session's cookie and CSRF token or a bearer."""

    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: Any = None, auth: Any = None, raw: Optional[bytes] = None, headers: Optional[Dict[str, str]] = None) -> Tuple[int, Any]:
        sent = {"accept": "application/json"}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent["content-type"] = "application/json"
        if isinstance(auth, str):
            sent["authorization"] = "Bearer " + auth
        elif isinstance(auth, dict):
            sent["cookie"] = auth["cookie"]
            sent["x-csrf-token"] = auth["csrf"]
        sent.update(headers or {})
        request = urllib.request.Request(self.url + path, data=data, headers=sent, method=method)
        try:
            with urllib.request.urlopen(request) as res:
                text = res.read()
                return res.status, json.loads(text) if text else None
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text else None

    def ok(self, method: str, path: str, body: Any = None, auth: Any = None, **kw: Any) -> Any:
        status, answer = self.call(method, path, body, auth, **kw)
        assert 200 <= status < 300, "%s %s: %s %s" % (method, path, status, answer)
        return answer

    def login(self, login: str, password: str) -> Dict[str, str]:
        request = urllib.request.Request(
            self.url + "/api/v1/auth/login", data=json.dumps({"login": login, "password": password}).encode(), headers={"content-type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request) as res:
            cookies = dict(c.split(";")[0].split("=", 1) for c in res.headers.get_all("set-cookie"))
        # Plain names: this API runs in development over plain HTTP (elsewhere they carry __Host-).
        assert "__Host-behalf_session" not in cookies
        return {"cookie": "; ".join("%s=%s" % pair for pair in cookies.items()), "csrf": cookies["behalf_csrf"], "session": cookies["behalf_session"]}


@pytest.fixture(scope="session")
def api() -> Any:
    database = os.environ.get("BEHALF_TEST_DATABASE_URL")
    if not database:
        pytest.fail("BEHALF_TEST_DATABASE_URL is unset: run these tests through jest (libs/runtime-python/test/pytest.e2e-spec.ts), which provides a database.")
    main = ROOT / "dist/apps/api/main.js"
    assert main.exists(), "run `npm run build` first"
    port = _free_port()
    url = "http://127.0.0.1:%d" % port
    data_dir = tempfile.mkdtemp(prefix="behalf-pytest-")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DATABASE_URL": database,
        "PORT": str(port),
        "BEHALF_PUBLIC_URL": url,
        "BEHALF_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "BEHALF_KEK": "1:" + base64.b64encode(bytes([0x50]) * 32).decode(),
        "BEHALF_DATA_DIR": data_dir,
        "BEHALF_LOG_LEVEL": "info",
    }
    proc = subprocess.Popen(["node", str(main)], cwd=str(ROOT), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: list = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in iter(proc.stdout.readline, b""):
            output.append(line.decode(errors="replace"))
            if re.search(r"Behalf API listening", output[-1]):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        pytest.fail("the API did not start:\n" + "".join(output))
    yield Api(url)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def world(api: Api) -> Dict[str, Any]:
    """A webapp running as `runner` (in `builders`, granted `sales`); viewers `sam` (sales) and `hana` (hr, no grant)."""
    admin = api.login("admin", ADMIN_PASSWORD)
    people = {}
    for login in ("runner", "sam", "hana"):
        people[login] = api.ok("POST", "/api/v1/users", {"login": login, "displayName": login.title(), "email": login + "@example.com", "password": USER_PASSWORD}, admin)
    groups = {}
    for name, members in (("builders", ["runner"]), ("sales", ["sam"]), ("hr", ["hana"])):
        groups[name] = api.ok("POST", "/api/v1/groups", {"name": name}, admin)
        for m in members:
            api.ok("PUT", "/api/v1/groups/%s/members/%s" % (groups[name]["id"], people[m]["id"]), None, admin)
    api.ok("PUT", "/api/v1/groups/%s/impersonation-targets/%s" % (groups["builders"]["id"], groups["sales"]["id"]), {"reason": "sales reports"}, admin)
    webapp = api.ok("POST", "/api/v1/webapps", {"name": "python-sdk-tests", "kind": "flask"}, admin)
    api.ok(
        "PATCH",
        "/api/v1/webapps/%s/settings" % webapp["id"],
        {"runAsUserId": people["runner"]["id"], "access": "authenticated", "allowImpersonation": True, "secretNames": ["warehouse"]},
        admin,
    )
    dataset = api.ok("POST", "/api/v1/datasets", {"name": "sales-2026"}, admin)
    api.ok("PUT", "/api/v1/datasets/%s/permissions/groups/%s" % (dataset["id"], groups["sales"]["id"]), {"access": "write"}, admin)
    api.ok("PUT", "/api/v1/datasets/%s/files/q1/summary.csv" % dataset["id"], None, admin, raw=b"region,total\nnorth,10\n", headers={"content-type": "text/csv"})
    return {"admin": admin, "people": people, "groups": groups, "webapp": webapp, "dataset": dataset}


def identity_token(api: Api, backend_token: str, viewer_session: Dict[str, str]) -> str:
    """An identity token for a viewer, as the gateway would put in X-Behalf-Identity."""
    return api.ok("POST", "/api/v1/runtime/identity-token", {"headers": {"cookie": viewer_session["cookie"]}}, backend_token)["token"]


def wait_until(check: Any, seconds: float = 3.0) -> None:
    deadline = time.time() + seconds
    while not check():
        assert time.time() < deadline, "not within %s s" % seconds
        time.sleep(0.05)
