"""Files the bot or the users sent: file ids, photo sizes and documents.

Only metadata is kept (never the bytes), so benchmarks can upload freely.
"""

from __future__ import annotations

import itertools
import mimetypes
import threading
from typing import Any
from urllib.parse import urlparse

from .forms import Upload
from .params import ApiError, bad_request

Json = dict[str, Any]

# (width, height, share of the original size) of the thumbnails Telegram makes of a photo
_PHOTO_SIZES = ((90, 67, 0.02), (320, 240, 0.15), (800, 600, 1.0))


class FileStore:
    """Issue file ids and resolve what a client sends as a file: upload, file_id or URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._photos: dict[str, list[Json]] = {}  # any size's file_id -> all sizes
        self._documents: dict[str, Json] = {}

    def _ids(self, prefix: str) -> tuple[str, str]:
        n = next(self._counter)
        return f"{prefix}AAMCAgADGQEAA{n:012d}", f"AQAD{n:08d}"

    def new_photo(self, size: int) -> list[Json]:
        """Register a photo of ``size`` bytes; return its PhotoSize list, smallest first."""
        sizes: list[Json] = []
        for width, height, share in _PHOTO_SIZES:
            file_id, unique_id = self._ids("AgAC")
            sizes.append(
                {"file_id": file_id, "file_unique_id": unique_id, "file_size": int(size * share),
                 "width": width, "height": height}
            )  # fmt: skip
        with self._lock:
            for photo_size in sizes:
                self._photos[photo_size["file_id"]] = sizes
        return sizes

    def new_document(self, file_name: str, mime_type: str, size: int) -> Json:
        """Register a document; return its Document dict."""
        file_id, unique_id = self._ids("BQAC")
        document = {
            "file_name": file_name, "mime_type": mime_type,
            "file_id": file_id, "file_unique_id": unique_id, "file_size": size,
        }  # fmt: skip
        with self._lock:
            self._documents[file_id] = document
        return document

    def _source(self, field: str, value: object, files: dict[str, Upload]) -> Upload | str:
        """Return the upload a parameter refers to, or the file_id/URL string it holds."""
        if value is None and field in files:
            return files[field]
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if name in files:
                return files[name]
            raise bad_request(f"can't find attached file {name!r}")
        if not isinstance(value, str) or not value:
            raise bad_request(f"{field} is required")
        return value

    def _unknown(self, value: str, kind: str) -> ApiError:
        """Return the error for a file_id that is not a known file of ``kind``."""
        with self._lock:
            other = "Photo" if value in self._photos else "Document" if value in self._documents else None
        if other is None:
            return bad_request("wrong file identifier/HTTP URL specified")
        return bad_request(f"can't use file of type {other} as {kind}")

    def photo(self, value: object, files: dict[str, Upload]) -> list[Json]:
        """Resolve sendPhoto's ``photo`` into PhotoSize dicts."""
        source = self._source("photo", value, files)
        if isinstance(source, Upload):
            if not source.data:
                raise bad_request("file must be non-empty")
            return self.new_photo(len(source.data))
        if _is_url(source):
            return self.new_photo(0)  # the emulator never fetches URLs: the size is unknown
        with self._lock:
            sizes = self._photos.get(source)
        if sizes is None:
            raise self._unknown(source, "Photo")
        return sizes

    def document(self, value: object, files: dict[str, Upload]) -> Json:
        """Resolve sendDocument's ``document`` into a Document dict."""
        source = self._source("document", value, files)
        if isinstance(source, Upload):
            if not source.data:
                raise bad_request("file must be non-empty")
            name = source.filename or "file"
            mime = source.content_type
            if mime in ("", "application/octet-stream"):
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return self.new_document(name, mime, len(source.data))
        if _is_url(source):
            name = urlparse(source).path.rsplit("/", 1)[-1] or "file"
            return self.new_document(name, mimetypes.guess_type(name)[0] or "application/octet-stream", 0)
        with self._lock:
            document = self._documents.get(source)
        if document is None:
            raise self._unknown(source, "Document")
        return document


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))
