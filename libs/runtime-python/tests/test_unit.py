"""Pure logic of the SDK with a scripted transport: token refresh, caching, single flight, clock skew, typed errors, identity checks."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from behalf import (
    AnonymousViewerError,
    ConfigurationError,
    IdentityMissingError,
    ImpersonationDeniedError,
    InvalidIdentityError,
    RateLimitedError,
    Runtime,
    RunStoppedError,
    ViewerForbiddenError,
)
from behalf._http import Answer

URL = "http://behalf.test"
WEBAPP = "0b0e2f7e-1d6f-4f0a-9a57-1b7c0d2f3a41"
OTHER = "5d1c7a3e-9b2f-4e61-8c3a-2f6d7e8a9b10"
RUN = "7f3e1a2b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
BOB = "2b3c4d5e-6f7a-4b9c-8d1e-2f3a4b5c6d7e"
NOW = 1_900_000_000.0
KEY = Ed25519PrivateKey.generate()
REFRESH = "/api/v1/webapps/%s/runs/%s/refresh" % (WEBAPP, RUN)


def sign(claims, typ="behalf-id+jwt", key=KEY, iat=NOW, ttl=300):
    body = {"iss": URL, "iat": int(iat), "nbf": int(iat), "exp": int(iat + ttl), "jti": "j%s" % time.time_ns()}
    body.update(claims)
    return jwt.encode(body, key, algorithm="EdDSA", headers={"typ": typ, "kid": "k1"})


def backend(iat=NOW, ttl=3600):
    return sign({"sub": BOB, "aud": "behalf-api", "webapp_id": WEBAPP, "run_id": RUN}, typ="behalf-backend+jwt", iat=iat, ttl=ttl)


def identity(**over):
    claims = {"sub": BOB, "aud": "webapp:" + WEBAPP, "preferred_username": "bob", "name": "Bob B.", "email": "bob@example.com", "groups": ["sales"]}
    typ = over.pop("typ", "behalf-id+jwt")
    iat = over.pop("iat", NOW)
    claims.update(over)
    return sign(claims, typ=typ, iat=iat)


def answer(status, body, headers=None):
    return Answer(status, headers or {}, json.dumps(body).encode())


class Clock:
    def __init__(self):
        self.t = NOW

    def __call__(self):
        return self.t


class Fake:
    """A scripted Behalf: a handler per path; every call recorded."""

    def __init__(self):
        self.calls = []
        self.handlers = {}
        self.lock = threading.Lock()

    def __call__(self, method, url, headers, body):
        path = urllib.parse.urlparse(url).path
        with self.lock:
            self.calls.append((method, path, headers, body))
        return self.handlers[path](headers, body)

    def to(self, path):
        return [c for c in self.calls if c[1] == path]


class Keys:
    def get_signing_key_from_jwt(self, token):
        class K:
            key = KEY.public_key()

        if jwt.get_unverified_header(token).get("kid") != "k1":
            raise jwt.PyJWKClientError("no key")
        return K()


def make(ttl=3600, skew=0.0):
    clock, fake = Clock(), Fake()
    runtime = Runtime(URL, WEBAPP, RUN, backend_token=backend(NOW + skew, ttl), transport=fake, clock=clock, verify_locally=True)
    runtime._jwks = Keys()
    return runtime, clock, fake


def test_the_backend_token_is_refreshed_at_four_fifths_once_for_many_threads():
    runtime, clock, fake = make()
    first = runtime.backend_token()
    clock.t += 0.79 * 3600
    assert runtime.backend_token() == first and not fake.to(REFRESH)

    def refresh(headers, body):
        time.sleep(0.05)
        return answer(200, {"backendToken": backend(iat=clock.t), "expiresAt": "x"})

    fake.handlers[REFRESH] = refresh
    clock.t += 0.02 * 3600
    results = []
    threads = [threading.Thread(target=lambda: results.append(runtime.backend_token())) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake.to(REFRESH)) == 1
    assert fake.to(REFRESH)[0][2]["authorization"] == "Bearer " + first
    assert len(set(results)) == 1 and results[0] != first


def test_a_server_clock_an_hour_ahead_causes_no_refresh_loop():
    runtime, clock, fake = make(skew=3600)
    fake.handlers[REFRESH] = lambda h, b: answer(200, {"backendToken": backend(iat=clock.t + 3600), "expiresAt": "x"})
    clock.t += 0.81 * 3600
    fresh = runtime.backend_token()
    for _ in range(10):
        clock.t += 60
        assert runtime.backend_token() == fresh
    assert len(fake.to(REFRESH)) == 1


def test_a_stopped_run_raises_run_stopped_once_and_never_asks_again():
    runtime, clock, fake = make()
    fake.handlers[REFRESH] = lambda h, b: answer(409, {"type": "https://behalf.dev/problems/conflict", "title": "Conflict", "status": 409, "detail": "This run has stopped: start a new one."})
    clock.t += 0.9 * 3600
    with pytest.raises(RunStoppedError) as first:
        runtime.backend_token()
    assert "This run has stopped" in first.value.message and first.value.code == "run_stopped"
    with pytest.raises(RunStoppedError):
        runtime.backend_token()
    assert len(fake.to(REFRESH)) == 1


def test_behalf_unreachable_keeps_a_live_token_and_retries_after_5_s():
    runtime, clock, fake = make()
    first = runtime.backend_token()

    def down(h, b):
        from behalf import BehalfUnavailableError

        raise BehalfUnavailableError("connection refused")

    fake.handlers[REFRESH] = down
    clock.t += 0.85 * 3600
    assert runtime.backend_token() == first
    assert runtime.backend_token() == first
    assert len(fake.to(REFRESH)) == 1
    clock.t += 6
    runtime.backend_token()
    assert len(fake.to(REFRESH)) == 2


def test_from_env_names_what_is_missing():
    with pytest.raises(ConfigurationError, match="BEHALF_WEBAPP_ID, BEHALF_RUN_ID, BEHALF_BACKEND_TOKEN or BEHALF_BACKEND_TOKEN_FILE unset"):
        Runtime.from_env({"BEHALF_URL": URL})
    with pytest.raises(ConfigurationError, match="UUID"):
        Runtime.from_env({"BEHALF_URL": URL, "BEHALF_WEBAPP_ID": "x", "BEHALF_RUN_ID": RUN, "BEHALF_BACKEND_TOKEN": backend()})


def test_identity_tokens_verified_locally_and_each_bad_one_refused_with_its_reason():
    runtime, clock, fake = make()
    viewer = runtime.viewer({"X-Behalf-Identity": identity()})
    assert (viewer.login, viewer.user_id, viewer.groups, viewer.anonymous) == ("bob", BOB, ["sales"], False)
    assert not fake.calls
    forged = sign({"sub": BOB, "aud": "webapp:" + WEBAPP, "preferred_username": "bob", "groups": []}, key=Ed25519PrivateKey.generate())
    cases = [
        (forged, "signature", 401),
        (identity(iat=NOW - 400), "expired", 401),
        (identity(iat=NOW + 3600), "not_yet_valid", 401),
        (identity(aud="webapp:" + OTHER), "audience", 403),
        (identity(typ="at+jwt"), "type", 401),
        (backend(), "type", 401),
        (identity(iss="http://evil.test"), "issuer", 401),
        (identity(groups="sales"), "claims", 401),
        ("garbage", "malformed", 401),
    ]
    for token, reason, status in cases:
        with pytest.raises(InvalidIdentityError) as refused:
            runtime.viewer({"x-behalf-identity": token})
        assert (refused.value.reason, refused.value.status) == (reason, status), token
    hs = jwt.encode({"sub": BOB}, "s" * 40, algorithm="HS256", headers={"typ": "behalf-id+jwt", "kid": "k1"})
    with pytest.raises(InvalidIdentityError):
        runtime.viewer({"x-behalf-identity": hs})
    with pytest.raises(IdentityMissingError):
        runtime.viewer({"x-behalf-user": "admin"})


def test_the_anonymous_viewer_cannot_be_acted_for():
    runtime, _, _ = make()
    anonymous = runtime.viewer({"x-behalf-identity": identity(sub="anonymous", preferred_username="Anonymous", groups=[])})
    assert anonymous.anonymous and anonymous.user_id is None
    with pytest.raises(AnonymousViewerError):
        with runtime.as_viewer(anonymous):
            pass


def exchange_world(handler):
    runtime, clock, fake = make()
    fake.handlers["/oauth/token"] = handler
    fake.handlers["/api/v1/datasets"] = lambda headers, body: answer(200, {"items": [{"id": "d", "name": headers["authorization"]}]})
    return runtime, clock, fake, runtime.viewer({"x-behalf-identity": identity()})


def test_impersonation_tokens_are_cached_per_viewer_single_flight_and_renewed():
    count = [0]

    def exchange(headers, body):
        time.sleep(0.05)
        count[0] += 1
        return answer(200, {"access_token": "at-%d" % count[0], "issued_token_type": "x", "token_type": "Bearer", "expires_in": 300})

    runtime, clock, fake, viewer = exchange_world(exchange)
    seen = []

    def work():
        with runtime.as_viewer(viewer):
            seen.append(runtime.datasets.list()[0]["name"])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(seen) == {"Bearer at-1"} and len(fake.to("/oauth/token")) == 1
    form = dict(urllib.parse.parse_qsl(fake.to("/oauth/token")[0][3].decode()))
    assert form["subject_token_type"] == "urn:ietf:params:oauth:token-type:jwt" and form["actor_token"] == runtime.backend_token()
    assert runtime.datasets.list()[0]["name"] == "Bearer " + runtime.backend_token()
    clock.t += 241
    with runtime.as_viewer(viewer):
        assert runtime.datasets.list()[0]["name"] == "Bearer at-2"


def test_a_refused_impersonation_token_is_dropped():
    count = [0]

    def exchange(headers, body):
        count[0] += 1
        return answer(200, {"access_token": "at-%d" % count[0], "issued_token_type": "x", "token_type": "Bearer", "expires_in": 300})

    runtime, clock, fake, viewer = exchange_world(exchange)
    fake.handlers["/api/v1/datasets"] = lambda h, b: (
        answer(401, {"type": "https://behalf.dev/problems/unauthenticated", "title": "t", "status": 401, "detail": "revoked"})
        if h["authorization"] == "Bearer at-1"
        else answer(200, {"items": []})
    )
    with runtime.as_viewer(viewer):
        with pytest.raises(Exception):
            runtime.datasets.list()
        assert runtime.datasets.list() == []
    assert len(fake.to("/oauth/token")) == 2


def test_refusals_are_typed_with_the_policys_reason():
    runtime, _, fake, viewer = exchange_world(lambda h, b: answer(403, {"error": "access_denied", "error_description": "No grant.", "reason": "no_grant"}))
    with pytest.raises(ImpersonationDeniedError) as refused:
        with runtime.as_viewer(viewer):
            runtime.datasets.list()
    assert (refused.value.reason, refused.value.status) == ("no_grant", 403)

    runtime, _, _, viewer = exchange_world(lambda h, b: answer(400, {"error": "invalid_grant", "error_description": "expired", "reason": "subject_token_expired"}))
    with pytest.raises(ImpersonationDeniedError) as expired:
        with runtime.as_viewer(viewer):
            runtime.datasets.list()
    assert (expired.value.reason, expired.value.status) == ("subject_token_expired", 401)

    runtime, _, _, viewer = exchange_world(lambda h, b: answer(429, {"error": "temporarily_unavailable", "error_description": "slow", "reason": "run_rate_limited"}, {"retry-after": "7"}))
    with pytest.raises(RateLimitedError) as limited:
        with runtime.as_viewer(viewer):
            runtime.datasets.list()
    assert limited.value.retry_after == 7

    runtime, _, _, viewer = exchange_world(lambda h, b: answer(400, {"error": "unauthorized_client", "error_description": "stopped", "reason": "run_stopped"}))
    with pytest.raises(RunStoppedError):
        with runtime.as_viewer(viewer):
            runtime.datasets.list()
    with pytest.raises(RunStoppedError):
        runtime.backend_token()

    runtime, _, fake = make()
    fake.handlers["/api/v1/runtime/auth-info"] = lambda h, b: answer(403, {"type": "https://behalf.dev/problems/viewer-forbidden", "title": "t", "status": 403, "detail": "restricted"})
    with pytest.raises(ViewerForbiddenError):
        runtime.auth_info({"cookie": "behalf_session=s; other=1", "x-private": "stays"})
    sent = json.loads(fake.to("/api/v1/runtime/auth-info")[0][3])
    assert sent == {"headers": {"cookie": "behalf_session=s; other=1"}, "withSecrets": False}


def test_the_host_only_session_cookie_is_found_first():
    from behalf.runtime import _session_of

    assert _session_of({"cookie": "behalf_session=planted; __Host-behalf_session=own"}) == "own"
    assert _session_of({"Cookie": "theme=dark; behalf_session=plain"}) == "plain"
    assert _session_of({"cookie": "__Host-behalf_session=; behalf_sessionx=1"}) is None


def test_behalf_down_once_the_token_is_dead_raises_behalf_unavailable():
    from behalf import BehalfUnavailableError

    runtime, clock, fake = make()

    def down(h, b):
        raise BehalfUnavailableError("connection refused")

    fake.handlers[REFRESH] = down
    clock.t += 3601
    with pytest.raises(BehalfUnavailableError) as error:
        runtime.backend_token()
    assert error.value.status == 502 and error.value.code == "behalf_unavailable"


def test_the_sdk_parses_as_python_3_9():
    import ast
    import pathlib

    for path in (pathlib.Path(__file__).parents[1] / "src" / "behalf").glob("*.py"):
        ast.parse(path.read_text(), filename=str(path), feature_version=(3, 9))


def test_the_token_is_renewed_before_it_expires_even_when_nothing_calls():
    fake = Fake()
    fake.handlers[REFRESH] = lambda h, b: answer(200, {"backendToken": backend(iat=time.time(), ttl=60), "expiresAt": "x"})
    runtime = Runtime(URL, WEBAPP, RUN, backend_token=backend(iat=time.time(), ttl=2), transport=fake)
    try:
        time.sleep(1.9)  # renewal is due at four fifths of 2 s; nothing calls the runtime meanwhile
        assert len(fake.to(REFRESH)) == 1
    finally:
        runtime.close()
