"""sendPhoto / sendDocument: multipart uploads, attach://, file ids and URLs."""

from __future__ import annotations

import httpx

from scaletg_ptb.emulator import Emulator

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_multipart_photo_upload(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    response = api.post(
        "sendPhoto",
        data={"chat_id": str(chat["id"]), "caption": "a picture"},
        files={"photo": ("pic.png", PNG, "image/png")},
    )
    message = response.json()["result"]
    assert message["caption"] == "a picture" and "text" not in message
    sizes = message["photo"]
    assert sizes[-1]["file_size"] == len(PNG)
    assert len({s["file_id"] for s in sizes}) == len(sizes)
    call = emu.wait_for_call("sendPhoto")
    assert call.files == {"photo": ("pic.png", len(PNG))}
    assert call.params == {"chat_id": chat["id"], "caption": "a picture"}
    assert emu.bot_messages(chat["id"])[0]["photo"] == sizes


def test_multipart_document_via_attach_and_resend_by_file_id(api: httpx.Client, chat: dict) -> None:
    response = api.post(
        "sendDocument",
        data={"chat_id": str(chat["id"]), "document": "attach://report"},
        files={"report": ("report.csv", b"a,b\n1,2\n", "application/octet-stream")},
    )
    document = response.json()["result"]["document"]
    assert document["file_name"] == "report.csv"
    assert document["mime_type"] == "text/csv"  # guessed from the name when the client sent none
    assert document["file_size"] == 8
    assert {"file_id", "file_unique_id"} <= document.keys()
    again = api.post(
        "sendDocument", data={"chat_id": str(chat["id"]), "document": document["file_id"]}
    ).json()
    assert again["result"]["document"] == document


def test_url_and_unknown_file_ids(api: httpx.Client, chat: dict) -> None:
    by_url = api.post(
        "sendDocument", data={"chat_id": str(chat["id"]), "document": "https://x.org/a/b.pdf"}
    ).json()
    assert by_url["result"]["document"]["file_name"] == "b.pdf"
    assert by_url["result"]["document"]["mime_type"] == "application/pdf"
    unknown = api.post("sendPhoto", data={"chat_id": str(chat["id"]), "photo": "NOPE"}).json()
    assert unknown == {
        "ok": False, "error_code": 400, "description": "Bad Request: wrong file identifier/HTTP URL specified"
    }  # fmt: skip
    document_id = by_url["result"]["document"]["file_id"]
    wrong_kind = api.post("sendPhoto", data={"chat_id": str(chat["id"]), "photo": document_id}).json()
    assert wrong_kind["description"] == "Bad Request: can't use file of type Document as Photo"
    missing = api.post("sendPhoto", data={"chat_id": str(chat["id"])}).json()
    assert missing["description"] == "Bad Request: photo is required"
