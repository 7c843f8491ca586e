"""Files the bot or the users sent: file ids, photo sizes, documents, and their bytes for getFile.

The bytes of an upload are kept (up to getFile's 20 MB) so that an app can download what a user
sent; a file sent by URL has none (the emulator never fetches URLs).
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
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile serves files up to 20 MB


class FileStore:
    """Issue file ids and resolve what a client sends as a file: upload, file_id or URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._photos: dict[str, list[Json]] = {}  # any size's file_id -> all sizes
        self._documents: dict[str, Json] = {}
        self._data: dict[str, bytes] = {}  # file_id -> content, when known
        self._paths: dict[str, str] = {}  # file_id -> file_path, once getFile gave one

    def _ids(self, prefix: str) -> tuple[str, str]:
        n = next(self._counter)
        return f"{prefix}AAMCAgADGQEAA{n:012d}", f"AQAD{n:08d}"

    def new_photo(self, size: int, data: bytes | None = None) -> list[Json]:
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
                if data is not None:  # every size downloads as the original: nothing is resized
                    self._data[photo_size["file_id"]] = data
        return sizes

    def new_document(self, file_name: str, mime_type: str, size: int, data: bytes | None = None,
                     prefix: str = "BQAC") -> Json:
        """Register a document (or, with another ``prefix``, a video or an audio); return its dict."""
        file_id, unique_id = self._ids(prefix)
        document = {
            "file_name": file_name, "mime_type": mime_type,
            "file_id": file_id, "file_unique_id": unique_id, "file_size": size,
        }  # fmt: skip
        with self._lock:
            self._documents[file_id] = document
            if data is not None:
                self._data[file_id] = data
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
            return self.new_photo(len(source.data), source.data)
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
            return self.new_document(name, mime, len(source.data), source.data)
        if _is_url(source):
            name = urlparse(source).path.rsplit("/", 1)[-1] or "file"
            return self.new_document(name, mimetypes.guess_type(name)[0] or "application/octet-stream", 0)
        with self._lock:
            document = self._documents.get(source)
        if document is None:
            raise self._unknown(source, "Document")
        return document


    def get_file(self, file_id: str) -> Json:
        """Return the File (with its file_path) that getFile answers for ``file_id``."""
        with self._lock:
            sizes = self._photos.get(file_id)
            info = next((s for s in sizes if s["file_id"] == file_id), None) if sizes else \
                self._documents.get(file_id)
            if info is None:
                raise bad_request("invalid file_id")
            if info.get("file_size", 0) > DOWNLOAD_LIMIT:
                raise bad_request("file is too big")
            path = self._paths.get(file_id)
            if path is None:
                folder = "photos" if sizes else "documents"
                suffix = ".jpg" if sizes else "." + str(info.get("file_name", "")).rpartition(".")[2] \
                    if "." in str(info.get("file_name", "")) else ""
                path = self._paths[file_id] = f"{folder}/file_{len(self._paths)}{suffix}"
        return {"file_id": file_id, "file_unique_id": info["file_unique_id"],
                "file_size": info.get("file_size", 0), "file_path": path}

    def download(self, path: str) -> bytes | None:
        """Return the bytes at a file_path getFile gave, or None (unknown path, or sent by URL)."""
        with self._lock:
            file_id = next((fid for fid, known in self._paths.items() if known == path), None)
            return self._data.get(file_id) if file_id is not None else None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))
