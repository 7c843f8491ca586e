"""Methods that carry files: sendPhoto, sendDocument, sendMediaGroup, getFile; and the download URL."""

from __future__ import annotations

import mimetypes
from urllib.parse import unquote

from . import params as P
from .apibase import ApiBase, Json, Params
from .content import text_fields
from .forms import Upload
from .http import Request, Response
from .media import FileStore
from .params import bad_request

FILE_PREFIX = "/file/bot"
_ALBUM_KINDS = frozenset({"photo", "video", "document", "audio"})


class FileMethods(ApiBase):
    """The methods that send or serve files."""

    METHODS = ("sendPhoto", "sendDocument", "sendMediaGroup", "getFile")

    def _send_photo(self, p: Params, files: dict[str, Upload]) -> Json:
        chat = self._chat(p)  # an unknown chat fails before anything is stored
        return self._new_message(p, chat, {"photo": self.files.photo(p.get("photo"), files), **_caption(p)})

    def _send_document(self, p: Params, files: dict[str, Upload]) -> Json:
        chat = self._chat(p)
        return self._new_message(p, chat, {"document": self.files.document(p.get("document"), files),
                                           **_caption(p)})

    def _send_media_group(self, p: Params, files: dict[str, Upload]) -> list[Json]:
        chat = self._chat(p)
        media = P.json_value(p, "media", list)
        if media is None:
            raise bad_request("parameter \"media\" is required")
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media specified")
        fields = [self._album_item(item, files) for item in media]
        kinds = {next(iter(k for k in f if k in _ALBUM_KINDS)) for f in fields}
        if len(kinds) > 1 and kinds & {"document", "audio"}:
            raise bad_request("document and audio can't be mixed with other media types")
        group_id = str(13_000_000_000_000_000 + self.world.next_number("media_group"))
        messages = []
        for index, item in enumerate(fields):
            item["media_group_id"] = group_id
            message = self.world.add_message(chat, self.world.bot_sender, item)
            self._emit("send", chat["id"], message=message, album=[index, len(fields)])
            messages.append(message)
        return messages

    def _album_item(self, item: object, files: dict[str, Upload]) -> Json:
        """Return the message fields of one InputMedia of an album."""
        if not isinstance(item, dict) or item.get("type") not in _ALBUM_KINDS:
            raise bad_request("can't parse InputMedia: media type must be one of photo, video, document, audio")
        kind = item["type"]
        if kind == "photo":
            fields: Json = {"photo": self.files.photo(item.get("media"), files)}
        else:
            stored = dict(self.files.document(item.get("media"), files))
            if kind == "video":
                stored.update(width=item.get("width", 640), height=item.get("height", 360),
                              duration=item.get("duration", 1))
            elif kind == "audio":
                stored.update(duration=item.get("duration", 1))
            fields = {kind: stored}
        fields.update(_caption(item))
        return fields

    def _get_file(self, p: Params, files: dict[str, Upload]) -> Json:
        file_id = P.text(p, "file_id")
        if not file_id:
            raise bad_request("file_id is required")
        return self.files.get_file(file_id)


def _caption(p: Params) -> Json:
    return text_fields(p, "caption", "caption_entities", 1024, None, "message caption is too long")


def download(request: Request, token: str, store: FileStore) -> Response:
    """Answer ``GET /file/bot<token>/<file_path>`` with the file's bytes, as Telegram's file server does."""
    # PTB quotes the token's colon (%3A); curl and browsers don't
    given, _, path = unquote(request.path).removeprefix(FILE_PREFIX).partition("/")
    data = store.download(path) if given == token else None
    if data is None:
        return Response(404, b'{"ok":false,"error_code":404,"description":"Not Found"}')
    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return Response(200, data, kind)
