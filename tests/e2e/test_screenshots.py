"""The committed screenshots: every patient page type at phone (390x844) and desktop (1280x800)
size, full page, in screenshots/ at the project's root.

Not part of the normal run (it only takes pictures, and rewrites committed files): it runs when
CLINIC_SCREENSHOTS=1 is set:

    CLINIC_SCREENSHOTS=1 make test-pytest PYTEST_ARGS="tests/e2e/test_screenshots.py"

Each picture is reduced to 32 colours (text and flat colours survive, the files get much smaller),
so the folder stays small enough to commit.
"""

import os
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT
from tests.e2e.test_calculator import GRADE_II, answer
from tests.e2e.test_write_in import fill_enquiry

pytestmark = pytest.mark.skipif(
    os.environ.get("CLINIC_SCREENSHOTS") != "1",
    reason="makes the committed screenshots: set CLINIC_SCREENSHOTS=1",
)

FOLDER = ROOT / "screenshots"
ARTICLE = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})


def save(page: Page, name: str, size: str, *, part: str = "") -> None:
    """A full-page picture, or only the element `part` selects."""
    shot = (
        page.locator(part).screenshot(animations="disabled")
        if part
        else page.screenshot(full_page=True, animations="disabled")
    )
    picture = Image.open(BytesIO(shot)).convert("RGB")
    FOLDER.mkdir(exist_ok=True)
    picture.quantize(colors=32, method=Image.Quantize.FASTOCTREE).save(
        FOLDER / f"{name}-{size}.png", optimize=True
    )


def test_every_page_type(page: Page, site, size):
    def visit(name: str, path: str) -> None:
        page.goto(site + path)
        save(page, name, size)

    visit("home", "/")
    visit("conditions", reverse("conditions:list"))
    visit("conditions-no-match", reverse("conditions:list") + "?q=zzzz")
    visit("article", ARTICLE)
    visit(
        "article-trigeminal-neuralgia", reverse("conditions:detail", kwargs={"slug": "trigeminal-neuralgia"})
    )
    visit("calculators", reverse("grading:index"))
    visit("calculator", reverse("grading:calculator"))
    visit("write-in", reverse("contact:form"))
    visit("privacy", reverse("privacy"))
    visit("not-found", "/no-such-page/")

    # The states that follow an action.
    page.goto(site + reverse("grading:calculator"))
    answer(page, GRADE_II)
    expect(page.locator("#result-status")).to_contain_text("grade II out of IV")
    save(page, "calculator-result", size)

    page.goto(site + ARTICLE)
    page.locator("#feedback").get_by_role("button", name="No").click()
    expect(page.locator("#feedback")).to_contain_text("Thank you for your answer")
    save(page, "article-feedback-answered", size, part=".feedback")  # the rest is the article above

    vote = page.request.post(
        site + reverse("conditions:feedback", kwargs={"slug": "hemifacial-spasm"}),
        form={"useful": "no"},
        max_redirects=0,
    )
    visit("feedback-comment", vote.headers["location"])
    page.get_by_label("What was missing? (optional)").fill("How long the injections take to work.")
    page.get_by_role("button", name="Send comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your comment")
    save(page, "feedback-thanks", size)

    page.goto(site + reverse("contact:form"))
    fill_enquiry(page)
    page.get_by_role("button", name="Send my message").click()
    expect(page.locator(".contact-reference__number")).to_be_visible()
    save(page, "write-in-thanks", size)
