"""Real files: what a user sends can be fetched with getFile and the download URL; albums."""

from __future__ import annotations

import json

import httpx

from scaletg_ptb.emulator import Emulator


def test_a_users_document_downloads_byte_for_byte(emu: Emulator, api: httpx.Client, user: dict,
                                                  chat: dict) -> None:
    message = emu.user_sends_document(user, chat, "notes.txt", b"milk\neggs\n", caption="list")
    document = message["document"]
    assert (document["file_name"], document["mime_type"], document["file_size"]) == ("notes.txt", "text/plain", 10)
    file = api.post("getFile", json={"file_id": document["file_id"]}).json()["result"]
    assert file["file_path"].endswith(".txt") and file["file_size"] == 10
    download = httpx.get(emu.file_url(file["file_path"]))
    assert (download.status_code, download.content) == (200, b"milk\neggs\n")
    assert httpx.get(emu.file_url(file["file_path"]).replace(emu.token, "1:WRONG")).status_code == 404


def test_a_users_photo_and_an_uploaded_one_download_too(emu: Emulator, api: httpx.Client, user: dict,
                                                        chat: dict) -> None:
    largest = emu.user_sends_photo(user, chat, data=b"\xff\xd8fake-jpeg")["photo"][-1]
    path = api.post("getFile", json={"file_id": largest["file_id"]}).json()["result"]["file_path"]
    assert httpx.get(emu.file_url(path)).content == b"\xff\xd8fake-jpeg"
    sent = api.post("sendDocument", data={"chat_id": str(chat["id"])},
                    files={"document": ("a.csv", b"a,b\n1,2\n")}).json()["result"]
    path = api.post("getFile", json={"file_id": sent["document"]["file_id"]}).json()["result"]["file_path"]
    assert httpx.get(emu.file_url(path)).content == b"a,b\n1,2\n"
    assert api.post("getFile", json={"file_id": "nope"}).json()["description"] == "Bad Request: invalid file_id"


def test_a_media_group_is_one_album_of_messages(emu: Emulator, api: httpx.Client, chat: dict) -> None:
    events: list = []
    emu.subscribe(events.append)
    media = [{"type": "photo", "media": "attach://one", "caption": "<i>first</i>", "parse_mode": "HTML"},
             {"type": "photo", "media": "attach://two"}]
    sent = api.post("sendMediaGroup", data={"chat_id": str(chat["id"]), "media": json.dumps(media)},
                    files={"one": ("1.jpg", b"1"), "two": ("2.jpg", b"2")}).json()["result"]
    assert len(sent) == 2 and sent[0]["media_group_id"] == sent[1]["media_group_id"]
    assert (sent[0]["caption"], sent[0]["caption_entities"]) == ("first", [{"type": "italic", "offset": 0,
                                                                           "length": 5}])
    assert [e.get("album") for e in events] == [[0, 2], [1, 2]]
    one = api.post("sendMediaGroup", json={"chat_id": chat["id"], "media": media[:1]}).json()
    assert one["description"] == "Bad Request: wrong number of media specified"
