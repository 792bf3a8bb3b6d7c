"""Every error the SDK raises on purpose: ``status`` is what the webapp should answer with, ``code`` a stable name."""

from __future__ import annotations

from typing import Any, Dict, Optional


class BehalfError(Exception):
    """Base of the SDK's errors."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class ConfigurationError(BehalfError):
    """``from_env()`` or the constructor got a missing or malformed setting."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "configuration", 500)


class RunStoppedError(BehalfError):
    """The run is over: its backend token cannot be refreshed. Every later call raises it at once."""

    def __init__(self, detail: str) -> None:
        super().__init__("The webapp run has ended: " + detail, "run_stopped", 503)


class IdentityMissingError(BehalfError):
    """The request carries no ``X-Behalf-Identity`` and no session: open the webapp through the gateway."""

    def __init__(self) -> None:
        super().__init__("The request carries no viewer identity: open the webapp through the Behalf gateway.", "identity_missing", 401)


class InvalidIdentityError(BehalfError):
    """The identity token was refused; ``reason`` is ``signature``, ``expired``, ``audience`` (answered 403), ``type``, …"""

    def __init__(self, reason: str) -> None:
        super().__init__("The viewer identity token was refused (%s)." % reason, "identity_" + reason, 403 if reason == "audience" else 401)
        self.reason = reason


class AnonymousViewerError(BehalfError):
    """``as_viewer`` was given the anonymous viewer: nobody to act as."""

    def __init__(self) -> None:
        super().__init__("The viewer is anonymous: there is nobody to act as. Ask them to sign in.", "viewer_anonymous", 401)


class ImpersonationDeniedError(BehalfError):
    """Behalf refused to let this run act as the viewer; ``reason`` is the policy's code (``no_grant``, ``subject_disabled``, …).

    ``status`` is 401 when the viewer's own credential no longer counts (``subject_token_expired``): they must sign in again; else 403.
    """

    def __init__(self, reason: str, description: str, status: int) -> None:
        super().__init__(description, reason, status)
        self.reason = reason


class RateLimitedError(BehalfError):
    """Too many token exchanges for this run: wait ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Behalf rate-limited this run: retry in %d s." % retry_after, "rate_limited", 429)
        self.retry_after = retry_after


class ApiProblemError(BehalfError):
    """The API answered an RFC 9457 problem; ``problem`` is its body, ``code`` its kind (``not-found``, ``forbidden``, …)."""

    def __init__(self, problem: Dict[str, Any]) -> None:
        kind = str(problem.get("type", "")).rsplit("/", 1)[-1]
        super().__init__(str(problem.get("detail") or problem.get("title") or kind), kind, int(problem.get("status", 500)))
        self.problem = problem


class ViewerUnauthenticatedError(ApiProblemError):
    """The viewer's credential was refused by the API (``viewer-unauthenticated``)."""


class ViewerForbiddenError(ApiProblemError):
    """The viewer may not view this webapp (``viewer-forbidden``)."""


class BehalfUnavailableError(BehalfError):
    """Behalf could not be reached, or answered something that is not Behalf's."""

    def __init__(self, detail: str) -> None:
        super().__init__("Behalf is unavailable: " + detail, "behalf_unavailable", 502)


def problem_error(problem: Optional[Dict[str, Any]], status: int) -> BehalfError:
    """The typed error for a problem body (or its absence)."""
    if not isinstance(problem, dict) or "type" not in problem:
        return BehalfUnavailableError("HTTP %d without a problem body" % status)
    kind = str(problem["type"]).rsplit("/", 1)[-1]
    if kind == "viewer-unauthenticated":
        return ViewerUnauthenticatedError(problem)
    if kind == "viewer-forbidden":
        return ViewerForbiddenError(problem)
    return ApiProblemError(problem)
