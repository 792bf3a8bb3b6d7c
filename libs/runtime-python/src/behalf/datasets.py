"""Datasets through the API, as whoever the runtime's current credential is (the viewer inside ``as_viewer``)."""

from __future__ import annotations

import urllib.parse
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Union

from .errors import problem_error

if TYPE_CHECKING:
    from .runtime import Runtime


def _file_path(path: str) -> str:
    return "/".join(urllib.parse.quote(segment, safe="") for segment in path.split("/"))


class Datasets:
    """``list``, ``find``, ``files``, ``read``, ``write``, ``delete``; denials raise ``ApiProblemError`` (``forbidden``, ``not-found``)."""

    def __init__(self, runtime: "Runtime") -> None:
        self._runtime = runtime

    def _pages(self, path: str, query: Dict[str, str]) -> List[Dict[str, Any]]:
        items: List[Dict[str, Any]] = []
        cursor: Optional[str] = None
        while True:
            q = dict(query, limit="200")
            if cursor:
                q["cursor"] = cursor
            page = self._runtime._json("GET", path + "?" + urllib.parse.urlencode(q))
            items.extend(page["items"])
            cursor = page.get("nextCursor")
            if not cursor:
                return items

    def list(self) -> List[Dict[str, Any]]:
        """Every dataset the current principal may read: ``id``, ``name``, ``access`` (``read``, ``write``, ``manage``), …"""
        return self._pages("/api/v1/datasets", {})

    def find(self, name: str) -> Optional[Dict[str, Any]]:
        """The readable dataset called ``name``, or None."""
        return next((d for d in self.list() if d["name"] == name), None)

    def files(self, dataset_id: str, prefix: str = "") -> List[Dict[str, Any]]:
        """The dataset's files (``path``, ``size``, ``contentType``, ``sha256``, …), optionally under ``prefix``."""
        return self._pages("/api/v1/datasets/%s/files" % urllib.parse.quote(dataset_id, safe=""), {"prefix": prefix} if prefix else {})

    def read(self, dataset_id: str, path: str) -> bytes:
        """A file's content."""
        answer = self._runtime.request("GET", "/api/v1/datasets/%s/files/%s" % (urllib.parse.quote(dataset_id, safe=""), _file_path(path)))
        if answer.status != 200:
            raise problem_error(answer.json(), answer.status)
        return answer.body

    def read_text(self, dataset_id: str, path: str, encoding: str = "utf-8") -> str:
        """A file's content as text."""
        return self.read(dataset_id, path).decode(encoding)

    def write(self, dataset_id: str, path: str, content: Union[bytes, str, Iterator[bytes]], content_type: Optional[str] = None) -> Dict[str, Any]:
        """Stores a file, creating or replacing it; answers its metadata."""
        body = content.encode("utf-8") if isinstance(content, str) else content
        kind = content_type or ("text/plain; charset=utf-8" if isinstance(content, str) else "application/octet-stream")
        answer = self._runtime.request(
            "PUT", "/api/v1/datasets/%s/files/%s" % (urllib.parse.quote(dataset_id, safe=""), _file_path(path)), body, {"content-type": kind}
        )
        if answer.status not in (200, 201):
            raise problem_error(answer.json(), answer.status)
        return answer.json()

    def delete(self, dataset_id: str, path: str) -> None:
        """Deletes a file."""
        answer = self._runtime.request("DELETE", "/api/v1/datasets/%s/files/%s" % (urllib.parse.quote(dataset_id, safe=""), _file_path(path)))
        if answer.status != 204:
            raise problem_error(answer.json(), answer.status)
