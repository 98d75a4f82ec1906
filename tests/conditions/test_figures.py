from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from conditions.models import FIGURE_DIR, Figure
from tests.conditions.factory import jpeg_bytes, make_condition, make_figure, png_bytes

pytestmark = pytest.mark.django_db


def stored_names(figure: Figure) -> list[str]:
    return [figure.image.name] + [r["name"] for r in figure.renditions]


def test_saving_a_figure_stores_a_clean_master_and_webp_plus_fallback_renditions():
    figure = make_figure(make_condition(), data=jpeg_bytes(1600, 900, exif={0x010F: "SecretCam"}))
    assert figure.image.name.startswith(f"{FIGURE_DIR}/") and figure.image.name.endswith(".jpg")
    assert (figure.width, figure.height) == (1600, 900)
    assert [(r["width"], r["type"]) for r in figure.renditions] == [
        (480, "image/webp"), (480, "image/jpeg"),
        (800, "image/webp"), (800, "image/jpeg"),
        (1200, "image/webp"), (1200, "image/jpeg"),
    ]  # fmt: skip
    for name in stored_names(figure):
        with default_storage.open(name) as file:
            data = file.read()
        assert b"SecretCam" not in data
        with Image.open(BytesIO(data)) as image:
            assert not image.getexif()


def test_a_figure_that_is_not_an_image_is_refused_with_a_friendly_message():
    figure = Figure(
        condition=make_condition(),
        image=ContentFile(b"#!/bin/sh\necho not an image", name="evil.png"),
        alt_text="Alt",
        caption="Caption",
    )
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert error.value.message_dict["image"] == [
        "This file is not an image we can read. Please upload a JPEG, PNG or WebP."
    ]
    assert not default_storage.exists(FIGURE_DIR)


def test_a_figure_needs_alt_text_and_a_caption():
    figure = Figure(condition=make_condition(), image=ContentFile(png_bytes(), name="a.png"))
    with pytest.raises(ValidationError) as error:
        figure.full_clean()
    assert set(error.value.message_dict) == {"alt_text", "caption"}


def test_replacing_the_image_deletes_the_old_files_once_saved(django_capture_on_commit_callbacks):
    figure = make_figure(make_condition())
    old = stored_names(figure)
    figure.image = ContentFile(png_bytes(640, 480, color=(200, 0, 0)), name="new.png")
    with django_capture_on_commit_callbacks(execute=True):
        figure.save()
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(name) for name in stored_names(figure))


def test_deleting_a_figure_deletes_its_files(django_capture_on_commit_callbacks):
    figure = make_figure(make_condition())
    names = stored_names(figure)
    with django_capture_on_commit_callbacks(execute=True):
        figure.delete()
    assert not any(default_storage.exists(name) for name in names)


def test_saving_other_fields_keeps_the_files():
    figure = make_figure(make_condition())
    names = stored_names(figure)
    figure.caption = "A new caption."
    figure.save()
    assert stored_names(Figure.objects.get(pk=figure.pk)) == names
