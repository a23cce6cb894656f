"""The Zalo client against the fake server, and the translation of updates and replies."""

from __future__ import annotations

import logging

import httpx
import pytest
from fake_zalo import FakeZalo, Fault, fake_zalo_server

from bot.channels.base import PermanentFailure, RetryLater, TemporaryFailure
from bot.channels.zalo import (
    DEFAULT_RETRY_AFTER,
    ZaloBotApi,
    ZaloRateLimited,
    ZaloRejected,
    ZaloUnauthorized,
    ZaloUnavailable,
    render,
    to_incoming,
    updates_from,
)
from bot.core import Attachment, Reply, buttons
from bot.texts import common as common_texts
from bot.texts import zalo as texts


@pytest.fixture
async def fake_zalo():
    async with fake_zalo_server() as fake:
        yield fake


@pytest.fixture
async def api(fake_zalo: FakeZalo):
    client = ZaloBotApi(fake_zalo.token, fake_zalo.base_url, timeout=0.5)
    yield client
    await client.aclose()


def _secret_part(token: str) -> str:
    return token.split(":", 1)[1]


# --- the client -----------------------------------------------------------------------------------
async def test_methods_answer_their_result(fake_zalo: FakeZalo, api: ZaloBotApi):
    me = await api.get_me()
    await api.set_webhook("https://bot.example.gov.vn/zalo", "s3cret-enough")
    info = await api.get_webhook_info()
    await api.delete_webhook()
    sent = await api.send_message("u1", "Xin chào")
    photo = await api.send_photo("u1", "https://img.example/a.jpg", "chú thích")
    await api.send_chat_action("u1")
    assert me["account_name"] == "bot.motcua"
    assert info["url"] == "https://bot.example.gov.vn/zalo"
    assert fake_zalo.webhook_url == ""
    assert sent["message_id"] and photo["message_id"]
    assert [(s.method, s.text, s.photo) for s in fake_zalo.sent] == [
        ("sendMessage", "Xin chào", ""),
        ("sendPhoto", "chú thích", "https://img.example/a.jpg"),
    ]
    assert "sendChatAction" in fake_zalo.calls


async def test_get_updates_takes_one_update_a_list_or_a_timeout(fake_zalo: FakeZalo, api: ZaloBotApi):
    assert await api.get_updates(timeout=0) == []  # Zalo's 408 "Request timeout": nothing new
    fake_zalo.text("u1", "một")
    [single] = await api.get_updates(timeout=1)
    fake_zalo.updates_as_list = True
    fake_zalo.text("u1", "hai")
    [listed] = await api.get_updates(timeout=1)
    assert (single["message"]["text"], listed["message"]["text"]) == ("một", "hai")


@pytest.mark.parametrize(
    ("fault", "expected", "base"),
    [
        (Fault("429", retry_after=7), ZaloRateLimited, RetryLater),
        (Fault("429_bare"), ZaloRateLimited, RetryLater),
        (Fault("500"), ZaloUnavailable, TemporaryFailure),
        (Fault("502"), ZaloUnavailable, TemporaryFailure),
        (Fault("slow", delay=1.5), ZaloUnavailable, TemporaryFailure),
        (Fault("drop"), ZaloUnavailable, TemporaryFailure),
        (Fault("403"), ZaloRejected, PermanentFailure),
        (Fault("404"), ZaloRejected, PermanentFailure),
    ],
)
async def test_error_answers_become_the_outbox_exceptions(
    fake_zalo: FakeZalo, api: ZaloBotApi, fault, expected, base
):
    fake_zalo.fault = lambda method, params: fault
    with pytest.raises(expected) as caught:
        await api.send_message("u1", "xin chào")
    assert isinstance(caught.value, base)
    assert caught.value.method == "sendMessage"
    assert fake_zalo.token not in str(caught.value) and _secret_part(fake_zalo.token) not in str(caught.value)
    assert fake_zalo.sent == []
    if fault.kind == "429":
        assert caught.value.seconds == 7
    if fault.kind == "429_bare":
        assert caught.value.seconds == DEFAULT_RETRY_AFTER


async def test_wrong_token_is_unauthorized_and_not_repeated(fake_zalo: FakeZalo):
    wrong = "4213370000000000001:WrongSecretPartXyzxyzxyzxyzxyzxyz"
    client = ZaloBotApi(wrong, fake_zalo.base_url, timeout=0.5)
    try:
        with pytest.raises(ZaloUnauthorized) as caught:
            await client.get_me()
    finally:
        await client.aclose()
    assert isinstance(caught.value, PermanentFailure)
    assert _secret_part(wrong) not in str(caught.value) and wrong not in repr(client)


async def test_unreachable_server_is_temporary_and_hides_the_token():
    token = "4213370000000000001:UnreachableSecretAbcdefghijklmnop"
    client = ZaloBotApi(token, "http://127.0.0.1:9", timeout=0.5)
    try:
        with pytest.raises(ZaloUnavailable) as caught:
            await client.send_message("u1", "xin chào")
    finally:
        await client.aclose()
    assert _secret_part(token) not in str(caught.value)
    assert caught.value.__suppress_context__  # the httpx error (with the URL) is not chained into tracebacks


async def test_a_description_echoing_the_token_is_scrubbed(fake_zalo: FakeZalo):
    token = fake_zalo.token

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400, json={"ok": False, "error_code": 400, "description": f"bad url {request.url}"}
        )

    client = ZaloBotApi(token, "http://zalo.invalid", transport=httpx.MockTransport(echo))
    try:
        with pytest.raises(ZaloRejected) as caught:
            await client.send_message("u1", "xin chào")
    finally:
        await client.aclose()
    assert "<token>" in str(caught.value)
    assert _secret_part(token) not in str(caught.value)


async def test_text_outside_zalo_limits_is_refused_before_sending(fake_zalo: FakeZalo, api: ZaloBotApi):
    with pytest.raises(ZaloRejected):
        await api.send_message("u1", "")
    with pytest.raises(ZaloRejected):
        await api.send_message("u1", "x" * 2001)
    with pytest.raises(ValueError):
        await api.set_webhook("https://bot.example/zalo", "short")
    assert "sendMessage" not in fake_zalo.calls


async def test_nothing_we_log_carries_the_token(fake_zalo: FakeZalo, api: ZaloBotApi, caplog):
    caplog.set_level(logging.DEBUG)
    fake_zalo.fault = lambda method, params: Fault("500")
    with pytest.raises(ZaloUnavailable):
        await api.send_message("u1", "xin chào")
    ours = [
        r.getMessage() + str(r.__dict__)
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))
    ]
    assert not any(_secret_part(fake_zalo.token) in line for line in ours)


# --- updates in -----------------------------------------------------------------------------------
def _update(event: str, **message: object) -> dict:
    base = {
        "message_id": "m-1",
        "date": 1_750_000_000_000,
        "chat": {"id": "c-1", "chat_type": "PRIVATE"},
        "from": {"id": "u-1", "display_name": "Lê Văn C"},
    }
    return {"event_name": event, "message": {**base, **message}}


def test_text_update_becomes_a_private_message_keyed_by_zalo_message_id():
    incoming = to_incoming(_update("message.text.received", text="/start"))
    assert incoming is not None
    assert (incoming.channel, incoming.user_id, incoming.chat_id, incoming.message_id) == (
        "zalo",
        "u-1",
        "c-1",
        "m-1",
    )
    assert (incoming.chat_kind, incoming.command, incoming.display_name) == ("private", "start", "Lê Văn C")


def test_image_update_carries_a_zalo_photo_with_its_caption():
    incoming = to_incoming(
        _update("message.image.received", photo="https://p.zalo.me/1.jpg", caption="đèn hỏng")
    )
    assert incoming is not None
    assert incoming.photos == (Attachment("photo", url="https://p.zalo.me/1.jpg", channel="zalo"),)
    assert incoming.text == "đèn hỏng"


@pytest.mark.parametrize(
    ("event", "kind"), [("message.sticker.received", "sticker"), ("message.unsupported.received", "other")]
)
def test_sticker_and_unsupported_become_attachments_the_dispatcher_explains(event, kind):
    incoming = to_incoming(_update(event, text="stk-123"))
    assert incoming is not None
    assert [a.kind for a in incoming.attachments] == [kind]
    assert incoming.text == ""


def test_group_chat_and_broken_updates():
    group = to_incoming(_update("message.text.received", text="hi", chat={"id": "g-1", "chat_type": "GROUP"}))
    assert group is not None and group.chat_kind == "group"
    assert to_incoming({"event_name": "message.text.received"}) is None
    assert to_incoming(_update("message.text.received", message_id="")) is None
    assert to_incoming(_update("message.text.received", **{"from": {"id": "b", "is_bot": True}})) is None
    named = to_incoming(
        _update("message.text.received", text="a", **{"from": {"id": "u", "first_name": "An"}})
    )
    assert named is not None and named.display_name == "An"


def test_updates_from_accepts_every_shape():
    update = _update("message.text.received", text="a")
    assert updates_from(update) == [update]
    assert updates_from([update, update]) == [update, update]
    assert updates_from({"ok": True, "result": update}) == [update]
    assert updates_from({"ok": True, "result": [update]}) == [update]
    assert updates_from(None) == [] and updates_from({"ok": True}) == [] and updates_from("x") == []


# --- replies out ----------------------------------------------------------------------------------
def test_buttons_become_numbered_lines():
    reply = Reply("Anh/Chị chọn:", buttons=buttons([("Một", "a"), ("Hai", "b")], [("Ba", "c")]))
    [step] = render(reply)
    assert step.kind == "text"
    assert step.text.splitlines()[2:5] == ["1. Một", "2. Hai", "3. Ba"]
    assert step.text.endswith(common_texts.CHOOSE_BY_NUMBER)


def test_long_text_is_cut_at_2000_on_line_boundaries():
    lines = [f"Dòng {i:03d} " + "x" * 80 for i in range(60)]
    steps = render(Reply("\n".join(lines)))
    assert len(steps) == 3
    assert all(len(s.text) <= 2000 for s in steps)
    assert "\n".join(s.text for s in steps).splitlines() == lines


def test_telegram_photo_becomes_a_note_never_a_url():
    reply = Reply(
        "Cán bộ trả lời: đã sửa xong.",
        photos=(Attachment("photo", file_id="AgACAgUAAxkBAAIB", channel="telegram"),),
    )
    [step] = render(reply)
    assert step.kind == "text"
    assert texts.PHOTO_NOT_SHOWN.format(count=1) in step.text
    assert "AgACAgUAAxkBAAIB" not in step.text


def test_telegram_file_url_is_never_passed_on_even_when_set():
    leaked = "https://api.telegram.org/file/bot123456:SECRET/photos/file_1.jpg"
    for photo in (Attachment("photo", url=leaked), Attachment("photo", url=leaked, channel="telegram")):
        steps = render(Reply("x", photos=(photo,)))
        assert all(s.kind == "text" and "SECRET" not in s.text for s in steps)


def test_photo_with_url_goes_as_photo_with_caption_and_location_as_a_link():
    one = render(
        Reply("Ảnh hiện trường", photos=(Attachment("photo", url="https://p.zalo.me/1.jpg", channel="zalo"),))
    )
    assert [(s.kind, s.photo, s.text) for s in one] == [
        ("photo", "https://p.zalo.me/1.jpg", "Ảnh hiện trường")
    ]
    two = render(
        Reply(
            "Hai ảnh",
            photos=(Attachment("photo", url="https://p/1.jpg"), Attachment("photo", url="https://p/2.jpg")),
            location=Attachment("location", latitude=21.0285, longitude=105.8542),
        )
    )
    assert [s.kind for s in two] == ["photo", "photo", "text"]
    assert "https://maps.google.com/?q=21.028500,105.854200" in two[-1].text
