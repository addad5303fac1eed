"""Images attached to a prompt: what `@path` finds, what is refused, how they are sent and saved."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from support.images import png_bytes
from vibe.attachments import (
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    AttachmentError,
    attach_images,
    image_from_base64,
    image_mentions,
)
from vibe.messages import AssistantMessage, ImageAttachment, UserMessage
from vibe.model.history import sanitize_history
from vibe.model.wire import message_to_wire
from vibe.session.store import SessionStore


def test_mentions_are_image_paths_after_an_at_sign() -> None:
    prompt = "see @shots/a.png, @b.JPG and @c.webp. not @notes.md nor mail@x.png nor @a.png again: @a.png"
    assert image_mentions(prompt) == ["shots/a.png", "b.JPG", "c.webp", "a.png"]
    assert image_mentions("@d.gif") == ["d.gif"]


def test_a_real_image_is_attached_by_what_its_bytes_are(tmp_path: Path) -> None:
    (tmp_path / "shots").mkdir()
    (tmp_path / "shots" / "a.png").write_bytes(png_bytes())
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 20)
    (tmp_path / "actually-a-png.gif").write_bytes(png_bytes())
    images = attach_images("compare @shots/a.png with @photo.jpg and @actually-a-png.gif", tmp_path)
    assert [(i.name, i.media_type) for i in images] == [
        ("@shots/a.png", "image/png"),
        ("@photo.jpg", "image/jpeg"),
        ("@actually-a-png.gif", "image/png"),
    ]
    assert base64.b64decode(images[0].data) == png_bytes()
    assert attach_images("no images here, @README.md", tmp_path) == ()


def test_what_is_not_an_image_is_refused_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "key.png").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    (tmp_path / "secret").write_text("token")
    (tmp_path / "link.png").symlink_to(tmp_path / "secret")
    (tmp_path / "folder.png").mkdir()
    os.mkfifo(tmp_path / "pipe.png")  # opening it would block for ever
    (tmp_path / "huge.png").write_bytes(png_bytes() + b"\x00" * MAX_IMAGE_BYTES)
    cases = {
        "@key.png": "is not a PNG, JPEG, GIF or WebP image",
        "@link.png": "is not a PNG, JPEG, GIF or WebP image",
        "@folder.png": "is not a regular file",
        "@pipe.png": "is not a regular file",
        "@huge.png": "images up to 5.0 MB",
        "@missing.png": "no such file",
    }
    for prompt, reason in cases.items():
        with pytest.raises(AttachmentError, match=reason):
            attach_images(f"look at {prompt}", tmp_path)
    many = " ".join(f"@{n}.png" for n in range(MAX_IMAGES + 1))
    with pytest.raises(AttachmentError, match=f"at most {MAX_IMAGES} images"):
        attach_images(many, tmp_path)


def test_base64_from_an_editor_is_checked_like_a_file() -> None:
    encoded = base64.b64encode(png_bytes()).decode()
    assert image_from_base64("shot", encoded).media_type == "image/png"
    with pytest.raises(AttachmentError, match="not valid base64"):
        image_from_base64("shot", "not base64 at all!")
    with pytest.raises(AttachmentError, match="not a PNG"):
        image_from_base64("shot", base64.b64encode(b"GIF-ish but not").decode())


def test_an_image_goes_to_the_model_as_a_content_part() -> None:
    image = ImageAttachment(name="@a.png", media_type="image/png", data="iVBORw0KGgo=")
    assert message_to_wire(UserMessage(content="what is it?", images=(image,))) == {
        "role": "user",
        "content": [
            {"type": "text", "text": "what is it?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ],
    }
    assert message_to_wire(UserMessage(content="plain")) == {"role": "user", "content": "plain"}


def test_two_prompts_merged_for_a_strict_template_keep_both_images() -> None:
    first = ImageAttachment(name="@a.png", media_type="image/png", data="AA==")
    second = ImageAttachment(name="@b.png", media_type="image/png", data="BB==")
    history = [UserMessage(content="one", images=(first,)), UserMessage(content="two", images=(second,))]
    (merged,) = sanitize_history(history)
    assert isinstance(merged, UserMessage) and merged.images == (first, second)


def test_a_session_saves_and_resumes_a_prompt_with_images(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m")
    encoded = base64.b64encode(png_bytes()).decode()
    image = ImageAttachment(name="@a.png", media_type="image/png", data=encoded)
    messages = [UserMessage(content="what is it?", images=(image,)), AssistantMessage(content="a dot")]
    for message in messages:
        writer.append_message(message)
    writer.append_message(UserMessage(content="no image"))
    writer.close()
    assert store.load_messages(store.find(writer.id)) == [*messages, UserMessage(content="no image")]
    last_line = writer.info.path.read_text().splitlines()[-1]
    assert '"images"' not in last_line  # a prompt without images is saved as before
