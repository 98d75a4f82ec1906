"""Uploaded figures through the admin form: every kind of bad file is refused with a clear message
on the form, and nothing is left on disk (neither under MEDIA_ROOT nor in the upload temp folder)."""

import os
import stat
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertRedirects

from conditions.models import Figure
from tests.conditions.factory import jpeg_bytes, make_article, png_bytes
from tests.conditions.test_images import png_header_only
from tests.hardening.conftest import signed_in
from tests.hardening.formdata import form_values

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "This file is not an image we can read. Please upload a JPEG, PNG or WebP."
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def gif_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 40), (200, 0, 0)).save(buffer, "GIF")
    return buffer.getvalue()


BAD_FILES = [
    ("a text file", "notes.png", b"This is not an image at all.", NOT_AN_IMAGE),
    ("an empty file", "empty.png", b"", "The submitted file is empty."),
    ("a truncated png", "cut.png", png_bytes(600, 400, color=None)[:400], NOT_AN_IMAGE),
    ("a truncated jpeg", "cut.jpg", jpeg_bytes(800, 600)[:1500], NOT_AN_IMAGE),
    ("a decompression bomb", "bomb.png", png_header_only(100_000, 100_000), "far too many pixels"),
    ("a bomb just past Pillow's warning", "bomb2.png", png_header_only(10_000, 9_000), "far too many pixels"),
    (
        "an image over our pixel limit",
        "big.png",
        png_header_only(6_000, 5_000),
        "6,000 x 5,000 pixels, too large",
    ),
    ("an svg renamed .png", "drawing.png", SVG, NOT_AN_IMAGE),
    ("an html file renamed .png", "page.png", HTML, NOT_AN_IMAGE),
    ("a gif", "moving.gif", gif_bytes(), "Please upload a JPEG, PNG or WebP image."),
    ("a png with html after it", "polyglot.png", png_bytes(20, 20) + HTML, None),  # accepted, re-encoded
]


def files_under(folder) -> set[str]:
    return {
        os.path.relpath(os.path.join(root, name), folder)
        for root, _, names in os.walk(folder)
        for name in names
    }


@pytest.fixture
def upload_form(superuser, settings, tmp_path):
    """The article's admin form with one new, empty figure row; uploads spool to a folder we watch."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-temp")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # every upload above 1 KB goes through a temp file
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    article = make_article()
    staff = signed_in(superuser)
    url = reverse("admin:conditions_condition_change", args=[article.pk])
    data = form_values(staff.get(url).content.decode(), "condition_form")
    new = int(data["figures-TOTAL_FORMS"])
    data |= {
        "figures-TOTAL_FORMS": str(new + 1),
        f"figures-{new}-alt_text": "A nerve in the face.",
        f"figures-{new}-caption": "The facial nerve.",
        f"figures-{new}-section": "causes",
        f"figures-{new}-position": "1",
    }
    return staff, url, data, f"figures-{new}-image"


def test_bad_files_are_refused_with_a_clear_message_and_leave_nothing_on_disk(
    upload_form, settings, subtests
):
    staff, url, data, field = upload_form
    stored_before = files_under(settings.MEDIA_ROOT)
    figures_before = Figure.objects.count()
    for label, name, content, message in BAD_FILES:
        with subtests.test(file=label):
            response = staff.post(url, {**data, field: SimpleUploadedFile(name, content, "image/png")})
            if message is None:
                assertRedirects(response, reverse("admin:conditions_condition_changelist"))
                figure = Figure.objects.latest("id")
                assert figure.image.name.endswith(".png")
                with figure.image.open("rb") as stored:
                    assert b"<script" not in stored.read()  # the pixels only, re-encoded
                figure.delete()
                continue
            assertContains(response, "Please correct the error")
            assertContains(response, message)
            assert Figure.objects.count() == figures_before
            assert files_under(settings.MEDIA_ROOT) == stored_before
            assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []


def test_a_huge_file_is_refused_before_it_is_read_and_leaves_nothing_on_disk(upload_form, settings):
    staff, url, data, field = upload_form
    stored_before = files_under(settings.MEDIA_ROOT)
    huge = SimpleUploadedFile("huge.png", png_bytes(10, 10) + os.urandom(11 * 1024 * 1024), "image/png")
    response = staff.post(url, {**data, field: huge})
    assertContains(response, "This file is too big. Please upload an image under 10 MB.")
    assert files_under(settings.MEDIA_ROOT) == stored_before
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []


def test_replacing_a_figure_with_a_bad_file_keeps_the_old_one_and_its_files(upload_form, settings):
    staff, url, data, _ = upload_form
    figure = Figure.objects.get()
    stored_before = files_under(settings.MEDIA_ROOT)
    data["figures-TOTAL_FORMS"] = str(int(data["figures-TOTAL_FORMS"]) - 1)  # no new row this time
    bad = SimpleUploadedFile("new.png", SVG, "image/png")
    response = staff.post(url, {**data, "figures-0-image": bad})
    assertContains(response, NOT_AN_IMAGE)
    assert Figure.objects.get().image.name == figure.image.name
    assert files_under(settings.MEDIA_ROOT) == stored_before
    still_served = signed_in(None).get(figure.sources()["src"])
    assert still_served.status_code == 200
    still_served.close()


def test_stored_figures_and_their_folders_are_readable_by_the_owner_only(upload_form, settings):
    staff, url, data, field = upload_form
    response = staff.post(
        url, {**data, field: SimpleUploadedFile("nerve.png", png_bytes(900, 600), "image/png")}
    )
    assertRedirects(response, reverse("admin:conditions_condition_changelist"))
    modes = {}
    for root, folders, names in os.walk(settings.MEDIA_ROOT):
        for name in folders + names:
            modes[os.path.relpath(os.path.join(root, name), settings.MEDIA_ROOT)] = os.stat(
                os.path.join(root, name)
            ).st_mode
    files = {path: stat.S_IMODE(m) for path, m in modes.items() if stat.S_ISREG(m)}
    folders = {path: stat.S_IMODE(m) for path, m in modes.items() if stat.S_ISDIR(m)}
    assert len(files) >= 2  # the new figure's master and its renditions
    assert set(files.values()) == {0o600}, files
    assert set(folders.values()) == {0o700}, folders
