"""Decode request parameters: query string, urlencoded, JSON and multipart/form-data bodies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file of a multipart body."""

    filename: str
    content_type: str
    data: bytes


class FormError(ValueError):
    """The body does not match its Content-Type."""


_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))')


def header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``'form-data; name="a"'`` into ``('form-data', {'name': 'a'})``."""
    main, _, rest = value.partition(";")
    params = {}
    for match in _PARAM.finditer(";" + rest):
        quoted, bare = match.group(2), match.group(3)
        params[match.group(1).lower()] = (
            re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else bare.strip()
        )
    return main.strip().lower(), params


def parse_query(query: str) -> dict[str, object]:
    """Decode a query string or an urlencoded body; the last of repeated names wins."""
    if not query:
        return {}
    return dict(parse_qsl(query, keep_blank_values=True))


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, object], dict[str, Upload]]:
    """Return the fields and the uploaded files of a request body."""
    if not body:
        return {}, {}
    kind, options = header_params(content_type)
    if kind == "application/x-www-form-urlencoded":
        try:
            return parse_query(body.decode("utf-8")), {}
        except UnicodeDecodeError:
            raise FormError("can't decode urlencoded body as UTF-8") from None
    if kind == "application/json":
        try:
            fields = json.loads(body)
        except ValueError:
            raise FormError("can't parse JSON body") from None
        if not isinstance(fields, dict):
            raise FormError("JSON body must be an object")
        return fields, {}
    if kind == "multipart/form-data":
        boundary = options.get("boundary")
        if not boundary:
            raise FormError("multipart body without boundary")
        return parse_multipart(body, boundary.encode("latin-1"))
    # Telegram ignores bodies it does not understand; so do we
    return {}, {}


def parse_multipart(body: bytes, boundary: bytes) -> tuple[dict[str, object], dict[str, Upload]]:
    """Split a multipart/form-data body into plain fields and file uploads."""
    fields: dict[str, object] = {}
    files: dict[str, Upload] = {}
    # every delimiter but the first is preceded by CRLF; prefixing one makes them uniform
    chunks = (b"\r\n" + body).split(b"\r\n--" + boundary)
    if len(chunks) < 2:
        raise FormError("multipart body without its boundary")
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise FormError("malformed multipart part")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                headers[key.strip().lower()] = value.strip()
        _, disposition = header_params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name is None:
            raise FormError("multipart part without a name")
        if "filename" in disposition:
            content_type = headers.get("content-type", "application/octet-stream")
            files[name] = Upload(disposition["filename"], content_type, content)
        else:
            fields[name] = content.decode("utf-8", "replace")
    return fields, files
