"""The Python runtime: who views the webapp, and acting as them within Behalf's grants."""

from __future__ import annotations

import base64
import contextvars
import json
import os
import re
import threading
import time
import urllib.parse
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional

from ._http import Answer, Body, Transport, header, urllib_transport
from .errors import (
    AnonymousViewerError,
    BehalfError,
    BehalfUnavailableError,
    ConfigurationError,
    IdentityMissingError,
    ImpersonationDeniedError,
    InvalidIdentityError,
    RateLimitedError,
    RunStoppedError,
    problem_error,
)

IDENTITY_HEADER = "x-behalf-identity"
SESSION_COOKIE = "behalf_session"
# Where Behalf's cookies are Secure (all but development over plain HTTP) their names carry it.
HOST_ONLY_PREFIX = "__Host-"
IDENTITY_TYP = "behalf-id+jwt"
ALGORITHMS = ["EdDSA", "ES256"]
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt"
SESSION_TOKEN_TYPE = "urn:behalf:params:oauth:token-type:session"
RETRY_SECONDS = 5.0
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


@dataclass(frozen=True, eq=False)
class Viewer:
    """Who views the webapp, as Behalf vouches for them.

    The credential it was recognised by (what ``as_viewer`` exchanges) is kept apart, so that
    ``repr``, ``dataclasses.asdict`` or ``vars`` of a viewer, in a log say, never hold a token.
    """

    login: str
    user_id: Optional[str]
    display_name: str
    email: Optional[str]
    groups: List[str]
    anonymous: bool

    @property
    def _credential(self) -> Optional[Dict[str, str]]:
        return _CREDENTIALS.get(self)


_CREDENTIALS: "weakref.WeakKeyDictionary[Viewer, Dict[str, str]]" = weakref.WeakKeyDictionary()


def _viewer(credential: Optional[Dict[str, str]], **fields: Any) -> Viewer:
    viewer = Viewer(**fields)
    if credential:
        _CREDENTIALS[viewer] = credential
    return viewer


@dataclass(frozen=True)
class AuthInfo:
    """``auth_info()``: the viewer and, with ``with_secrets``, their secrets by name (those the webapp may receive and they consented to)."""

    viewer: Viewer
    secrets: Dict[str, str]
    secrets_without_consent: List[str]
    secrets_hidden: bool


ANONYMOUS = Viewer("Anonymous", None, "Anonymous", None, [], True)


@dataclass
class _Held:
    token: str
    renew_at: float
    expires_at: float


def _claims(token: str) -> Dict[str, Any]:
    try:
        part = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (IndexError, ValueError):
        raise ConfigurationError("The backend token is not a JWT.") from None


def _hold(token: str, now: float, just_issued: bool) -> _Held:
    """Times a token by its own lifetime on the local clock (see the Node SDK's token-lifetime)."""
    claims = _claims(token)
    exp = float(claims["exp"])
    lifetime = max(0.0, exp - float(claims.get("iat", exp)))
    left = lifetime if just_issued else max(0.0, min(lifetime, exp - now))
    return _Held(token, now + left - lifetime / 5, now + left)


class Runtime:
    """A webapp backend's handle on Behalf.

    >>> behalf = Runtime.from_env()
    >>> viewer = behalf.viewer(request.headers)
    >>> with behalf.as_viewer(viewer):
    ...     data = behalf.datasets.read(dataset_id, "sales.csv")
    """

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **options: Any) -> "Runtime":
        """Reads the launch spec: ``BEHALF_URL``, ``BEHALF_WEBAPP_ID``, ``BEHALF_RUN_ID``, ``BEHALF_BACKEND_TOKEN`` or ``BEHALF_BACKEND_TOKEN_FILE``."""
        env = os.environ if environ is None else environ
        missing = [n for n in ("BEHALF_URL", "BEHALF_WEBAPP_ID", "BEHALF_RUN_ID") if not env.get(n)]
        if not env.get("BEHALF_BACKEND_TOKEN") and not env.get("BEHALF_BACKEND_TOKEN_FILE"):
            missing.append("BEHALF_BACKEND_TOKEN or BEHALF_BACKEND_TOKEN_FILE")
        if missing:
            raise ConfigurationError("Not launched as a Behalf webapp run: %s unset." % ", ".join(missing))
        return cls(
            env["BEHALF_URL"],
            env["BEHALF_WEBAPP_ID"],
            env["BEHALF_RUN_ID"],
            backend_token=env.get("BEHALF_BACKEND_TOKEN") or None,
            backend_token_file=env.get("BEHALF_BACKEND_TOKEN_FILE") or None,
            **options,
        )

    def __init__(
        self,
        url: str,
        webapp_id: str,
        run_id: str,
        *,
        backend_token: Optional[str] = None,
        backend_token_file: Optional[str] = None,
        transport: Optional[Transport] = None,
        clock: Callable[[], float] = time.time,
        clock_tolerance: int = 30,
        verify_locally: Optional[bool] = None,
    ) -> None:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigurationError("BEHALF_URL must be an http or https URL.")
        if not _UUID.match(webapp_id):
            raise ConfigurationError("BEHALF_WEBAPP_ID must be a webapp id (a UUID).")
        if not _UUID.match(run_id):
            raise ConfigurationError("BEHALF_RUN_ID must be a run id (a UUID).")
        if not backend_token and not backend_token_file:
            raise ConfigurationError("A backend token or a backend token file is required.")
        self.url = url.rstrip("/")
        self.webapp_id = webapp_id
        self.run_id = run_id
        self._send = transport or urllib_transport()
        self._clock = clock
        self._tolerance = clock_tolerance
        self._token_file = backend_token_file
        self._held: Optional[_Held] = None
        self._timer: Optional[threading.Timer] = None
        self._ended: Optional[RunStoppedError] = None
        self._retry_after = 0.0
        self._backend_lock = threading.Lock()
        self._impersonation: Dict[str, _Held] = {}
        self._viewer_locks: Dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._acting: contextvars.ContextVar[Optional[Viewer]] = contextvars.ContextVar("behalf_acting_%s" % id(self), default=None)
        self._jwks: Any = None
        if verify_locally is None:
            verify_locally = _pyjwt_available()
        elif verify_locally and not _pyjwt_available():
            raise ConfigurationError("Local verification needs PyJWT with cryptography: pip install 'behalf[jwt]'.")
        self._verify_locally = verify_locally
        if backend_token:
            self._keep(_hold(backend_token, clock(), False))
        from .datasets import Datasets

        self.datasets = Datasets(self)
        """Datasets as the current principal: the viewer inside ``as_viewer``, else the run's identity."""

    # The backend token -------------------------------------------------------------------------

    def backend_token(self) -> str:
        """A backend token valid now, renewed at four fifths of its life, one renewal at a time (single flight)."""
        usable = self._usable_backend_token()
        if usable:
            return usable
        with self._backend_lock:
            # Another thread may have renewed it while this one waited.
            return self._usable_backend_token() or self._renew()

    def _keep(self, held: _Held) -> None:
        """Holds ``held`` and schedules its renewal, so a backend idle for an hour still holds a live token (an expired one cannot be refreshed)."""
        self._held = held
        self._schedule(max(0.0, held.renew_at - self._clock()))

    def _schedule(self, delay: float) -> None:
        if self._timer:
            self._timer.cancel()
        if self._ended:
            return
        self._timer = threading.Timer(delay, self._renew_quietly)
        self._timer.daemon = True  # never keeps the process alive
        self._timer.start()

    def _renew_quietly(self) -> None:
        try:
            self.backend_token()
        except BehalfError:
            pass  # kept for the next caller (RunStoppedError), or retried by it

    def close(self) -> None:
        """Stops renewing the backend token in the background."""
        if self._timer:
            self._timer.cancel()

    def _usable_backend_token(self) -> Optional[str]:
        if self._ended:
            raise self._ended
        held, now = self._held, self._clock()
        if held and (now < held.renew_at or (now < held.expires_at and now < self._retry_after)):
            return held.token
        return None

    def _renew(self) -> str:
        if self._token_file:
            try:
                with open(self._token_file, encoding="utf-8") as f:
                    from_file = f.read().strip()
            except OSError:
                from_file = ""
            if from_file and (not self._held or from_file != self._held.token):
                fresh = _hold(from_file, self._clock(), False)
                if not self._held or fresh.expires_at > self._held.expires_at:
                    self._keep(fresh)
                if self._clock() < fresh.renew_at:
                    return fresh.token
        current = self._held
        if not current:
            raise RunStoppedError("no backend token was given")
        try:
            answer = self._send(
                "POST",
                "%s/api/v1/webapps/%s/runs/%s/refresh" % (self.url, self.webapp_id, self.run_id),
                {"authorization": "Bearer " + current.token, "accept": "application/json"},
                None,
            )
        except BehalfUnavailableError:
            answer = None
        if answer is not None and answer.status == 200:
            token = answer.json()["backendToken"]
            self._keep(_hold(token, self._clock(), True))
            return token
        if answer is not None and answer.status in (401, 403, 404, 409):
            self._ended = RunStoppedError(problem_error(answer.json(), answer.status).message)
            self.close()
            raise self._ended
        if self._clock() < current.expires_at:
            self._retry_after = self._clock() + RETRY_SECONDS
            self._schedule(RETRY_SECONDS)
            return current.token
        raise BehalfUnavailableError("the backend token expired and could not be refreshed")

    def _end(self, detail: str) -> RunStoppedError:
        if not self._ended:
            self._ended = RunStoppedError(detail)
        return self._ended

    # Who views -----------------------------------------------------------------------------------

    def viewer(self, headers: Any) -> Viewer:
        """Who views, from the request's headers (Flask ``request.headers``, Streamlit ``st.context.headers``, a dict).

        The gateway's ``X-Behalf-Identity`` is verified locally when PyJWT is installed (``behalf[jwt]``),
        else by Behalf; a session cookie alone (``__Host-behalf_session``, or ``behalf_session`` in
        development over plain HTTP) is resolved through ``auth_info``.
        """
        token = header(headers, IDENTITY_HEADER)
        if token:
            token = token.strip()
            if self._verify_locally:
                return self._verify(token)
            return self.auth_info({IDENTITY_HEADER: token}).viewer
        if _session_of(headers):
            return self.auth_info(headers).viewer
        raise IdentityMissingError()

    def _verify(self, token: str) -> Viewer:
        import jwt  # PyJWT, the `jwt` extra

        if self._jwks is None:
            self._jwks = jwt.PyJWKClient(self.url + "/.well-known/jwks.json", cache_keys=True, lifespan=300)
        try:
            if jwt.get_unverified_header(token).get("typ") != IDENTITY_TYP:
                raise InvalidIdentityError("type")
            key = self._jwks.get_signing_key_from_jwt(token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                audience="webapp:" + self.webapp_id,
                issuer=self.url,
                leeway=self._tolerance,
                # Times are checked below, on this runtime's clock.
                options={"require": ["exp", "iat", "sub", "jti", "iss", "aud"], "verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
        except InvalidIdentityError:
            raise
        except jwt.ExpiredSignatureError:
            raise InvalidIdentityError("expired") from None
        except jwt.ImmatureSignatureError:
            raise InvalidIdentityError("not_yet_valid") from None
        except jwt.InvalidAudienceError:
            raise InvalidIdentityError("audience") from None
        except jwt.InvalidIssuerError:
            raise InvalidIdentityError("issuer") from None
        except jwt.InvalidAlgorithmError:
            raise InvalidIdentityError("algorithm") from None
        except (jwt.InvalidSignatureError, jwt.PyJWKClientError):
            raise InvalidIdentityError("signature") from None
        except jwt.MissingRequiredClaimError:
            raise InvalidIdentityError("claims") from None
        except jwt.InvalidTokenError:
            raise InvalidIdentityError("malformed") from None
        times = [claims.get(name) for name in ("exp", "iat")] + [claims.get("nbf", claims.get("iat"))]
        if not all(isinstance(t, (int, float)) for t in times):
            raise InvalidIdentityError("claims")
        now = self._clock()
        if now > claims["exp"] + self._tolerance:
            raise InvalidIdentityError("expired")
        if now + self._tolerance < max(claims["iat"], claims.get("nbf", claims["iat"])):
            raise InvalidIdentityError("not_yet_valid")
        if not isinstance(claims.get("groups"), list) or not isinstance(claims.get("preferred_username"), str):
            raise InvalidIdentityError("claims")
        if claims["sub"] == "anonymous":
            return ANONYMOUS
        return _viewer(
            {"kind": "identity_token", "token": token},
            login=claims["preferred_username"],
            user_id=claims["sub"],
            display_name=claims.get("name") or claims["preferred_username"],
            email=claims.get("email"),
            groups=list(claims["groups"]),
            anonymous=False,
        )

    def auth_info(self, headers: Any, with_secrets: bool = False) -> AuthInfo:
        """The DSS-style call: who views, asked of Behalf, and with ``with_secrets`` their secrets this webapp may receive."""
        forwarded = {}
        for name in (IDENTITY_HEADER, "authorization", "cookie"):
            value = header(headers, name)
            if value:
                forwarded[name] = value
        if not forwarded:
            raise IdentityMissingError()
        info = self._json(
            "POST", "/api/v1/runtime/auth-info", {"headers": forwarded, "withSecrets": with_secrets}, token=self.backend_token()
        )
        if info.get("anonymous"):
            return AuthInfo(ANONYMOUS, {}, [], False)
        identity = forwarded.get(IDENTITY_HEADER)
        session = _session_of(headers)
        credential = {"kind": "identity_token", "token": identity} if identity else {"kind": "session", "token": session} if session else None
        viewer = _viewer(
            credential,
            login=info["authIdentifier"],
            user_id=info["userId"],
            display_name=info["displayName"],
            email=info.get("email"),
            groups=list(info.get("groups", [])),
            anonymous=False,
        )
        return AuthInfo(
            viewer,
            {s["name"]: s["value"] for s in info.get("secrets", [])},
            list(info.get("secretsWithoutConsent", [])),
            bool(info.get("secretsHidden")),
        )

    # Acting as the viewer ------------------------------------------------------------------------

    @contextmanager
    def as_viewer(self, viewer: Viewer) -> Iterator[Viewer]:
        """Inside the block, ``datasets`` and ``request`` carry an impersonation token for ``viewer`` (a context variable)."""
        if viewer.anonymous or not viewer.user_id:
            raise AnonymousViewerError()
        if not viewer._credential:
            raise IdentityMissingError()
        reset = self._acting.set(viewer)
        try:
            yield viewer
        finally:
            self._acting.reset(reset)

    def current_viewer(self) -> Optional[Viewer]:
        """The viewer ``as_viewer`` acts as here, if any."""
        return self._acting.get()

    def _current_token(self) -> str:
        viewer = self._acting.get()
        if viewer is None or not viewer.user_id or not viewer._credential:
            return self.backend_token()
        return self._impersonation_token(viewer.user_id, viewer._credential)

    def _impersonation_token(self, key: str, credential: Dict[str, str]) -> str:
        held = self._impersonation.get(key)
        if held and self._clock() < held.renew_at:
            return held.token
        with self._locks_lock:
            lock = self._viewer_locks.setdefault(key, threading.Lock())
        with lock:
            held = self._impersonation.get(key)
            if held and self._clock() < held.renew_at:
                return held.token
            self._impersonation.pop(key, None)
            form = urllib.parse.urlencode(
                {
                    "grant_type": TOKEN_EXCHANGE,
                    "subject_token": credential["token"],
                    "subject_token_type": SESSION_TOKEN_TYPE if credential["kind"] == "session" else JWT_TOKEN_TYPE,
                    "actor_token": self.backend_token(),
                    "actor_token_type": JWT_TOKEN_TYPE,
                }
            ).encode()
            answer = self._send(
                "POST", self.url + "/oauth/token", {"content-type": "application/x-www-form-urlencoded", "accept": "application/json"}, form
            )
            body = answer.json() or {}
            if answer.status == 200 and body.get("access_token"):
                now = self._clock()
                life = float(body["expires_in"])
                self._impersonation[key] = _Held(body["access_token"], now + life * 0.8, now + life)
                return body["access_token"]
            if "error" not in body:
                raise BehalfUnavailableError("the token endpoint answered HTTP %d" % answer.status)
            if answer.status == 429:
                raise RateLimitedError(int(answer.headers.get("retry-after", "1")))
            if body.get("reason") == "run_stopped":
                raise self._end(body.get("error_description", "stopped"))
            # The viewer's credential no longer counts (expired, a dead session): 401, sign in again; else 403.
            status = 401 if body["error"] == "invalid_grant" else 403
            raise ImpersonationDeniedError(body.get("reason") or body["error"], body.get("error_description", ""), status)

    def _drop(self, token: str) -> None:
        for key, held in list(self._impersonation.items()):
            if held.token == token:
                self._impersonation.pop(key, None)

    # Calls to the API ----------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Body = None, headers: Optional[Dict[str, str]] = None, token: Optional[str] = None) -> Answer:
        """One call to Behalf's API (``path`` like ``/api/v1/datasets``) with the current credential: the viewer's inside ``as_viewer``."""
        if not path.startswith("/"):
            raise ConfigurationError("request() takes a path on Behalf's API, like /api/v1/datasets.")
        bearer = token or self._current_token()
        sent = {"accept": "application/json"}
        sent.update(headers or {})
        sent["authorization"] = "Bearer " + bearer
        answer = self._send(method, self.url + path, sent, body)
        if answer.status == 401:
            self._drop(bearer)
        return answer

    def _json(self, method: str, path: str, payload: Any = None, token: Optional[str] = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        answer = self.request(method, path, data, {"content-type": "application/json"} if data else None, token)
        if 200 <= answer.status < 300:
            return answer.json()
        raise problem_error(answer.json(), answer.status)


def _session_of(headers: Any) -> Optional[str]:
    """The session cookie's value: the ``__Host-`` spelling first (no sibling origin can plant it), else the plain one."""
    cookies = header(headers, "cookie") or ""
    plain = None
    for part in cookies.split(";"):
        name, _, value = part.strip().partition("=")
        if not value:
            continue
        if name == HOST_ONLY_PREFIX + SESSION_COOKIE:
            return value
        if name == SESSION_COOKIE and plain is None:
            plain = value
    return plain


def _pyjwt_available() -> bool:
    try:
        import jwt  # noqa: F401
        from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: F401
    except ImportError:
        return False
    return True


__all__ = ["Runtime", "Viewer", "AuthInfo", "ANONYMOUS", "BehalfError"]
