"""The incremental SSE decoder, fed the way a network feeds it."""

from __future__ import annotations

import pytest

from vibe.model.sse import ServerSentEvent, SSEDecoder


def decode(*pieces: bytes) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for piece in pieces:
        events += decoder.feed(piece)
    return events + decoder.close()


def bytewise(data: bytes) -> list[bytes]:
    return [data[index : index + 1] for index in range(len(data))]


def test_complete_events_come_out_as_soon_as_their_blank_line_arrives() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b'data: {"a": 1}\n') == []
    assert decoder.feed(b"\n") == [ServerSentEvent('{"a": 1}')]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_every_line_terminator_the_spec_allows(newline: bytes) -> None:
    stream = b"data: one" + newline + newline + b"data: two" + newline + newline
    assert decode(stream) == [ServerSentEvent("one"), ServerSentEvent("two")]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_one_byte_at_a_time_gives_the_same_events(newline: bytes) -> None:
    lines = [b": ping", b"event: message", b'data: {"text": "h\xc3\xa9llo"}', b"", b"data: [DONE]", b"", b""]
    stream = newline.join(lines)
    assert decode(*bytewise(stream)) == [
        ServerSentEvent('{"text": "héllo"}', event="message"),
        ServerSentEvent("[DONE]"),
    ]


def test_crlf_split_between_chunks_is_one_line_break_not_two() -> None:
    # Were the CR taken as a full line end, the LF after it would be a blank line dispatching
    # the event early, and the second data line would become an event of its own.
    assert decode(b"data: a\r", b"\ndata: b\r\n\r\n") == [ServerSentEvent("a\nb")]


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert decode(b"data: first\ndata: second\ndata:third\n\n") == [ServerSentEvent("first\nsecond\nthird")]


def test_comments_and_unknown_fields_are_ignored() -> None:
    assert decode(b": keep-alive\nid: 7\nretry: 1000\nfoo: bar\n\n: ping\n\ndata: x\n\n") == [
        ServerSentEvent("x")
    ]


def test_event_name_applies_to_its_own_event_only() -> None:
    events = decode(b'event: error\ndata: {"error": "boom"}\n\ndata: ok\n\n')
    assert events == [ServerSentEvent('{"error": "boom"}', event="error"), ServerSentEvent("ok")]


def test_last_event_without_trailing_blank_line_is_kept_at_close() -> None:
    assert decode(b"data: a\n\ndata: [DONE]") == [ServerSentEvent("a"), ServerSentEvent("[DONE]")]


def test_utf8_sequence_split_across_chunks() -> None:
    encoded = "data: 日本\n\n".encode()
    assert decode(encoded[:7], encoded[7:]) == [ServerSentEvent("日本")]


def test_byte_order_mark_at_start_is_dropped() -> None:
    assert decode(b"\xef\xbb\xbfdata: x\n\n") == [ServerSentEvent("x")]


def test_done_marker() -> None:
    assert ServerSentEvent("[DONE]").is_done
    assert not ServerSentEvent('{"done": "[DONE]"}').is_done
