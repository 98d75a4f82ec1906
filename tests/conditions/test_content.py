"""The article data in conditions/content matches CONTENT_SCHEMA.md and the house rules for
patient text: plain Markdown, plain words, real sources, no sentences lifted from the seeds.

No database: this is pure data.
"""

import ast
import hashlib
import os
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from conditions.content import ARTICLES, FIGURES_DIR

SECTION_KEYS = [
    "overview",
    "symptoms",
    "causes",
    "diagnosis",
    "treatments",
    "outlook",
    "living-with",
    "when-to-get-help",
]
ARTICLE_KEYS = {
    "slug",
    "name",
    "also_known_as",
    "summary",
    "reviewed_by",
    "reviewed_by_role",
    "last_reviewed",
    "next_review_due",
    "calculator",
    "sections",
    "treatments",
    "urgency",
    "references",
    "figures",
    "related",
}
VERDICT_KINDS = {"not-effective", "repeat", "once"}
URGENCY_KEYS = ["routine", "urgent", "emergency"]
MAX_GRADE = 8  # Flesch-Kincaid; the writing target is about 7 (reading age ~12).
RUN_LENGTH = 12  # words in a row that may not match a seed document

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = PROJECT_ROOT / "conditions" / "content"
# The source documents sit beside the project (CI clones it with ../shared next to it).
SEEDS_DIR = Path(os.environ.get("CLINIC_SEEDS_DIR") or PROJECT_ROOT.parent / "shared" / "seeds")
# A figure is about 350 px wide on a 390 px phone; its labels must still be 14 px there.
PHONE_FIGURE_WIDTH = 350
MIN_LABEL_PX = 14
# Hashes of every 12-word run of the seed documents, so the check runs where the seeds are not
# present (CI) without copying their text into the project. Rebuilt by
# `python -c "from tests.conditions.test_content import write_seed_fingerprints; write_seed_fingerprints()"`.
FINGERPRINTS = Path(__file__).resolve().parent / "seed_fingerprints.txt"

BY_SLUG = {article["slug"]: article for article in ARTICLES}


def _markdown_parts(article: dict) -> list[tuple[str, str]]:
    """Every Markdown body of an article, as (label, text)."""
    parts = [(f"section:{key}", body) for key, body in article["sections"].items()]
    parts += [(f"treatment:{t['name']}", t["body"]) for t in article["treatments"]]
    parts += [(f"urgency:{key}", body) for key, body in article["urgency"].items()]
    return parts


def _all_text(article: dict) -> str:
    """All patient-facing words of an article."""
    pieces = [article["name"], article["summary"], *article["also_known_as"]]
    pieces += [text for _, text in _markdown_parts(article)]
    pieces += [f"{t['name']} {t['verdict']}" for t in article["treatments"]]
    pieces += [f"{f['alt']} {f['caption']}" for f in article["figures"]]
    return "\n".join(pieces)


def _markdown_parameters() -> list:
    return [
        pytest.param(text, id=f"{article['slug']}-{label}")
        for article in ARTICLES
        for label, text in _markdown_parts(article)
    ]


# --- a tiny Flesch-Kincaid counter (no readability module exists in this branch) ---------------


def _plain(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links keep their words
    text = re.sub(r"^\s*(#+|[-*]|\d+\.)\s+", "", text, flags=re.MULTILINE)  # headings, list marks
    return text.replace("**", "").replace("`", "")


def _syllables(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return 1
    groups = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and groups > 1:
        groups -= 1  # a silent final e
    return max(groups, 1)


def flesch_kincaid_grade(markdown: str) -> float:
    """US school grade; each heading or list item counts as a sentence of its own."""
    sentences = [
        s
        for line in _plain(markdown).splitlines()
        for s in re.split(r"[.!?]+(?:\s|$)", line)
        if re.search(r"[A-Za-z0-9]", s)
    ]
    words = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)?|\d+", _plain(markdown))
    syllables = sum(_syllables(word) for word in words)
    return 0.39 * len(words) / len(sentences) + 11.8 * syllables / len(words) - 15.59


# --- verbatim check against the seeds -----------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _run_hashes(text: str) -> set[str]:
    words = _words(text)
    return {
        hashlib.blake2b(" ".join(words[i : i + RUN_LENGTH]).encode(), digest_size=6).hexdigest()
        for i in range(len(words) - RUN_LENGTH + 1)
    }


def _seed_hashes_from_files() -> set[str]:
    hashes: set[str] = set()
    for seed in sorted(SEEDS_DIR.glob("*.txt")):
        hashes |= _run_hashes(seed.read_text(encoding="utf-8"))
    return hashes


def write_seed_fingerprints() -> None:
    FINGERPRINTS.write_text("\n".join(sorted(_seed_hashes_from_files())) + "\n", encoding="utf-8")


# --- the tests ----------------------------------------------------------------------------------


def test_articles_are_hemifacial_spasm_then_trigeminal_neuralgia():
    assert [a["slug"] for a in ARTICLES] == ["hemifacial-spasm", "trigeminal-neuralgia"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_article_has_exactly_the_schema_keys(article):
    assert set(article) == ARTICLE_KEYS
    assert all(isinstance(name, str) and name for name in article["also_known_as"])


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_article_has_all_eight_sections_in_display_order(article):
    assert list(article["sections"]) == SECTION_KEYS


@pytest.mark.parametrize("text", _markdown_parameters())
def test_markdown_body_is_non_empty_plain_markdown(text):
    assert text.strip()
    assert "<" not in text, "no raw HTML in Markdown"
    for heading in re.findall(r"^#+(?= )", text, flags=re.MULTILINE):
        assert heading == "###", "headings inside a body start at ### (the page owns h1 and h2)"


@pytest.mark.parametrize("text", _markdown_parameters())
def test_markdown_body_reads_at_about_grade_seven(text):
    assert flesch_kincaid_grade(text) <= MAX_GRADE


def test_readability_counter_tells_easy_text_from_hard_text():
    assert flesch_kincaid_grade("The cat sat on the mat. It was warm.") < 2
    hard = (
        "Microvascular decompression necessitates intraoperative electrophysiological "
        "neuromonitoring and meticulous arachnoidal dissection."
    )
    assert flesch_kincaid_grade(hard) > 16


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_treatments_have_a_name_verdict_valid_kind_and_body(article):
    assert article["treatments"]
    for treatment in article["treatments"]:
        assert set(treatment) == {"name", "verdict", "verdict_kind", "body"}
        assert treatment["name"].strip() and treatment["verdict"].strip()
        assert treatment["verdict_kind"] in VERDICT_KINDS


def test_hemifacial_spasm_gives_the_three_treatments_with_their_verdicts():
    treatments = BY_SLUG["hemifacial-spasm"]["treatments"]
    assert [t["verdict_kind"] for t in treatments] == ["not-effective", "repeat", "once"]
    medicines, injections, mvd = (t["body"] for t in treatments)
    assert all(drug in medicines for drug in ("baclofen", "clonazepam", "carbamazepine"))
    assert "3 to 4 months" in injections
    # 85-95% is the share of patients the injections help (Rosenstengel 2012, Wang and Jankovic
    # 1998), not the share of patients who have them.
    assert "85 to 95 in every 100 people who have the injections find their spasms ease" in injections
    assert "Teflon" in mvd and "hearing loss" in mvd and "keyhole" in mvd


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_review_is_by_the_clinical_team_and_dates_are_ordered(article):
    assert article["reviewed_by"] == "Neuro Asia Care clinical team"
    assert article["reviewed_by_role"] == "Neurosurgery"
    assert isinstance(article["last_reviewed"], date)
    assert isinstance(article["next_review_due"], date)
    assert article["last_reviewed"] < article["next_review_due"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_summary_is_one_paragraph_of_at_most_300_characters(article):
    summary = article["summary"]
    assert 0 < len(summary) <= 300
    assert "\n" not in summary and "<" not in summary


def test_only_hemifacial_spasm_links_the_grading_calculator():
    assert BY_SLUG["hemifacial-spasm"]["calculator"] == "grading:calculator"
    assert BY_SLUG["trigeminal-neuralgia"]["calculator"] is None


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_urgency_blocks_cover_routine_urgent_and_emergency(article):
    assert list(article["urgency"]) == URGENCY_KEYS
    assert "995" in article["urgency"]["emergency"]
    assert "care coordinator" in article["urgency"]["routine"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_figures_exist_open_with_pillow_and_are_described(article):
    for figure in article["figures"]:
        path = FIGURES_DIR / figure["file"]
        assert path.is_file()
        assert path.stat().st_size < 250_000, "keep figures light for phones"
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.width >= 1200
        assert 40 <= len(figure["alt"]) <= 250 and "<" not in figure["alt"]  # the model allows 250
        assert figure["caption"].strip()
        assert figure["section"] in SECTION_KEYS


def test_hemifacial_spasm_shows_the_mvd_schematic_with_its_svg_source():
    figures = BY_SLUG["hemifacial-spasm"]["figures"]
    assert [f["file"] for f in figures] == ["mvd-schematic.png"]
    assert (FIGURES_DIR / "mvd-schematic.svg").is_file()
    assert "Teflon" in figures[0]["alt"] and "brainstem" in figures[0]["alt"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_text_that_points_to_a_drawing_is_where_the_drawing_is_or_names_its_section(article):
    figure_sections = {figure["section"] for figure in article["figures"]}
    for label, text in _markdown_parts(article):
        for sentence in re.findall(r"[^.]*\bdrawing\b[^.]*\.", text):
            section = label.removeprefix("section:")
            if section in figure_sections:
                # Figures come after their section's text: the words must send the reader down.
                assert "end of this section" in sentence, (
                    f"{label}: {sentence!r} should say where the drawing is"
                )
            else:
                named = [s for s in figure_sections if s.replace("-", " ") in sentence.lower()]
                assert named, f"{label}: {sentence!r} refers to a drawing that is not in its section"


def test_the_mvd_drawing_sits_in_causes_where_the_text_first_refers_to_it():
    (figure,) = BY_SLUG["hemifacial-spasm"]["figures"]
    assert figure["section"] == "causes"
    assert "drawing at the end of this section" in BY_SLUG["hemifacial-spasm"]["sections"]["causes"]


def _svg(path: Path) -> tuple[float, float, list[tuple[str, float]]]:
    """An SVG's viewBox width and height, and its labels with their font sizes."""
    root = ET.parse(path).getroot()  # noqa: S314 (a file of this repository, not user input)
    _, _, width, height = (float(n) for n in root.get("viewBox").split())
    labels = [
        ("".join(text.itertext()).strip(), float(text.get("font-size")))
        for text in root.iter("{http://www.w3.org/2000/svg}text")
    ]
    return width, height, labels


@pytest.mark.parametrize("figure", [f for a in ARTICLES for f in a["figures"]], ids=lambda f: f["file"])
def test_every_label_of_a_figure_is_at_least_14px_on_a_phone(figure):
    width, _, labels = _svg(FIGURES_DIR / Path(figure["file"]).with_suffix(".svg"))
    assert labels
    for text, size in labels:
        assert size * PHONE_FIGURE_WIDTH / width >= MIN_LABEL_PX, f"{text!r} is too small on a phone"


def test_the_mvd_png_is_the_svg_drawn_1200_pixels_wide():
    width, height, _ = _svg(FIGURES_DIR / "mvd-schematic.svg")
    with Image.open(FIGURES_DIR / "mvd-schematic.png") as image:
        assert image.size == (1200, round(1200 * height / width))


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_references_are_three_to_five_with_https_urls_and_years(article):
    references = article["references"]
    assert 3 <= len(references) <= 5
    for reference in references:
        assert set(reference) == {"title", "source", "year", "url"}
        assert reference["title"].strip() and reference["source"].strip()
        assert isinstance(reference["year"], int)
        assert 1950 <= reference["year"] <= article["last_reviewed"].year
        assert reference["url"].startswith("https://")


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_related_slugs_are_other_articles(article):
    assert article["related"]
    for slug in article["related"]:
        assert slug in BY_SLUG and slug != article["slug"]


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a["slug"])
def test_no_twelve_word_run_of_the_seed_documents_appears(article):
    seed_hashes = set(FINGERPRINTS.read_text(encoding="utf-8").split())
    assert len(seed_hashes) > 1000, "the fingerprint file covers both seed documents"
    assert not _run_hashes(_all_text(article)) & seed_hashes


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents are not on this machine")
def test_seed_run_check_catches_a_run_copied_from_a_seed():
    seed_words = _words(sorted(SEEDS_DIR.glob("*.txt"))[0].read_text(encoding="utf-8"))
    copied = "Our own words first. " + " ".join(seed_words[100 : 100 + RUN_LENGTH]) + " and ours again."
    seed_hashes = set(FINGERPRINTS.read_text(encoding="utf-8").split())
    assert _run_hashes(copied) & seed_hashes


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed documents are not on this machine")
def test_seed_fingerprints_match_the_seed_documents():
    assert set(FINGERPRINTS.read_text(encoding="utf-8").split()) == _seed_hashes_from_files()


@pytest.mark.parametrize("module", ["hemifacial_spasm.py", "trigeminal_neuralgia.py", "__init__.py"])
def test_content_modules_are_pure_data_without_django(module):
    tree = ast.parse((CONTENT_DIR / module).read_text(encoding="utf-8"))
    imported = {
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in ([node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names])
    }
    assert imported <= {"datetime", "pathlib", "conditions.content"}
