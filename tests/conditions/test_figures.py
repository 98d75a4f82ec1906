import os
import time
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from conditions.models import FIGURE_DIR, Figure, PublishedVersion
from tests.conditions.factory import (
    EDITORS,
    jpeg_bytes,
    make_condition,
    make_figure,
    make_staff,
    png_bytes,
    publish_version,
)

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


def test_replacing_or_deleting_a_figure_keeps_its_files_for_the_versions_that_show_them(
    django_capture_on_commit_callbacks,
):
    condition = make_condition()
    figure = make_figure(condition)
    publish_version(condition)
    old = stored_names(figure)
    figure.image = ContentFile(png_bytes(640, 480, color=(200, 0, 0)), name="new.png")
    with django_capture_on_commit_callbacks(execute=True):
        figure.save()
        figure.delete()
    assert all(default_storage.exists(name) for name in old + stored_names(figure))


def test_a_draft_only_figure_is_404_to_the_public_and_served_privately_to_staff(client):
    condition = make_condition()
    figure = make_figure(condition)  # added to the draft after version 1
    path = f"/media/{figure.renditions[0]['name']}"
    assert client.get(path).status_code == 404
    client.force_login(make_staff("editor", EDITORS))
    response = client.get(path)
    assert response.status_code == 200
    assert (
        "no-store" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    )
    assert b"".join(response.streaming_content)  # (reading it to the end closes the file)
    client.logout()
    publish_version(condition)
    response = client.get(path)
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    assert b"".join(response.streaming_content)


def test_a_figure_of_an_article_taken_off_the_site_is_404_to_the_public(client):
    condition = make_condition(publish=False)
    figure = make_figure(condition)
    publish_version(condition)
    PublishedVersion.objects.filter(condition=condition).update(is_live=False)
    assert client.get(f"/media/{figure.image.name}").status_code == 404


def test_prune_lists_and_deletes_only_files_nothing_uses(settings):
    condition = make_condition(publish=False)
    shown = make_figure(condition)
    publish_version(condition)
    replaced = make_figure(condition, data=png_bytes(500, 300, color=(1, 2, 3)))
    replaced_names = stored_names(replaced)
    replaced.delete()  # in no version: its files are left over
    drafted = make_figure(condition, data=png_bytes(300, 200, color=(9, 9, 9)))
    a_day_ago = time.time() - 2 * 24 * 3600
    for name in stored_names(shown) + replaced_names + stored_names(drafted):
        os.utime(default_storage.path(name), (a_day_ago, a_day_ago))

    out = StringIO()
    call_command("prune_figure_files", stdout=out)
    assert sorted(out.getvalue().splitlines()[:-1]) == sorted(replaced_names)
    assert all(default_storage.exists(name) for name in replaced_names)  # only listed

    call_command("prune_figure_files", "--delete", stdout=StringIO())
    assert not any(default_storage.exists(name) for name in replaced_names)
    assert all(default_storage.exists(name) for name in stored_names(shown) + stored_names(drafted))


def test_prune_leaves_a_file_stored_in_the_last_day_alone():
    figure = make_figure(make_condition(publish=False))
    names = stored_names(figure)
    Figure.objects.all().delete()
    out = StringIO()
    call_command("prune_figure_files", "--delete", stdout=out)
    assert "Deleted: 0 of" in out.getvalue()
    assert all(default_storage.exists(name) for name in names)


def test_saving_other_fields_keeps_the_files():
    figure = make_figure(make_condition())
    names = stored_names(figure)
    figure.caption = "A new caption."
    figure.save()
    assert stored_names(Figure.objects.get(pk=figure.pk)) == names
