"""The one place the SDK speaks HTTP: the standard library's ``urllib.request``, replaceable in tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Callable, Dict, Iterator, Mapping, NamedTuple, Optional, Union

from .errors import BehalfUnavailableError


class Answer(NamedTuple):
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except ValueError:
            return None


Body = Union[bytes, Iterator[bytes], None]
Transport = Callable[[str, str, Dict[str, str], Body], Answer]


def urllib_transport(timeout: float = 30.0) -> Transport:
    """Requests through ``urllib.request`` (no redirects followed into other origins, errors as answers)."""

    def send(method: str, url: str, headers: Dict[str, str], body: Body) -> Answer:
        data: Any = body
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())
        except (urllib.error.URLError, OSError) as error:
            raise BehalfUnavailableError(str(getattr(error, "reason", error))) from None

    return send


def header(headers: Any, name: str) -> Optional[str]:
    """Header ``name`` (case-insensitive) of a dict, Flask's ``request.headers``, Streamlit's ``st.context.headers``, or a list of pairs."""
    if headers is None:
        return None
    wanted = name.lower()
    items = headers.items() if hasattr(headers, "items") else headers
    for key, value in items:
        if str(key).lower() == wanted:
            if isinstance(value, (list, tuple)):
                return str(value[0]) if value else None
            return str(value)
    return None
