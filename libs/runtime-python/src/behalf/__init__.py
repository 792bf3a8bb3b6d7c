"""``behalf``: what a Python webapp backend uses to know who views it and act on their behalf within Behalf's grants.

    from behalf import Runtime
    behalf = Runtime.from_env()
    viewer = behalf.viewer(request.headers)
    with behalf.as_viewer(viewer):
        rows = behalf.datasets.read(dataset_id, "sales.csv")
"""

from .datasets import Datasets
from .errors import (
    AnonymousViewerError,
    ApiProblemError,
    BehalfError,
    BehalfUnavailableError,
    ConfigurationError,
    IdentityMissingError,
    ImpersonationDeniedError,
    InvalidIdentityError,
    RateLimitedError,
    RunStoppedError,
    ViewerForbiddenError,
    ViewerUnauthenticatedError,
)
from .runtime import ANONYMOUS, AuthInfo, Runtime, Viewer

__all__ = [
    "ANONYMOUS",
    "AnonymousViewerError",
    "ApiProblemError",
    "AuthInfo",
    "BehalfError",
    "BehalfUnavailableError",
    "ConfigurationError",
    "Datasets",
    "IdentityMissingError",
    "ImpersonationDeniedError",
    "InvalidIdentityError",
    "RateLimitedError",
    "Runtime",
    "RunStoppedError",
    "Viewer",
    "ViewerForbiddenError",
    "ViewerUnauthenticatedError",
]
