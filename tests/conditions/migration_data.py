"""Articles as they were stored before published versions (migration 0005), for the migration test."""

from datetime import date
from html.parser import HTMLParser

ARTICLES = [
    {
        "name": "Hemifacial spasm",
        "slug": "hemifacial-spasm",
        "summary": "Muscles on one side of the face twitch without warning.",
        "also_known_as": "tic convulsif, facial tic",
        "status": "published",
        "reviewed_by": "Neuro Asia Care clinical team",
        "reviewed_by_role": "Neurosurgery",
        "last_reviewed": date(2026, 11, 1),
        "next_review_due": date(2027, 11, 1),
        "calculator": "grading:calculator",
        "sections": [
            (
                "overview",
                "Hemifacial spasm makes **one side** of the face twitch.\n\n### Who gets it\n\n- women\n- people over 40",
            ),
            ("symptoms", "It often starts around one eye.\n\n1. eyelid\n2. cheek"),
            ("causes", "Most often a blood vessel presses on the [facial nerve](https://example.org/nerve)."),
            ("diagnosis", "A doctor examines you and may order an MRI scan."),
            ("treatments", "There are three main treatments."),
            ("outlook", "It rarely goes away by itself."),
            ("living-with", "Tiredness and stress can make it worse."),
            ("when-to-get-help", "Most people can book a normal appointment."),
        ],
        "treatments": [
            ("Medicines taken by mouth", "Not considered effective", "not-effective", "They rarely help."),
            (
                "Botulinum toxin injections",
                "Effective but must be repeated",
                "repeat",
                "Every 3 to 4 months.",
            ),
            ("Microvascular decompression", "Effective, performed once", "once", "An operation."),
        ],
        "urgency": [
            ("routine", "If the twitching bothers you."),
            ("urgent", "If both sides of your face twitch."),
            ("emergency", "If your face suddenly droops."),
        ],
        "references": [
            ("Hemifacial spasm: a review", "A journal", 2012, "https://doi.org/10.0000/example"),
            ("A book without a link", "A publisher", 2019, ""),
        ],
        "figure": True,
        "related": ["trigeminal-neuralgia", "secret-draft"],
    },
    {
        "name": "Trigeminal neuralgia",
        "slug": "trigeminal-neuralgia",
        "summary": "Sudden stabbing pain in the face.",
        "also_known_as": "",
        "status": "published",
        "reviewed_by": "Dr A Reviewer",
        "reviewed_by_role": "",
        "last_reviewed": date(2025, 3, 2),
        "next_review_due": date(2026, 3, 2),
        "calculator": "",
        "sections": [("overview", "A nerve in the face sends pain signals.")],
        "treatments": [],
        "urgency": [],
        "references": [],
        "figure": False,
        "related": ["hemifacial-spasm"],
    },
    {
        "name": "Secret draft",
        "slug": "secret-draft",
        "summary": "Not ready.",
        "also_known_as": "",
        "status": "draft",
        "reviewed_by": "",
        "reviewed_by_role": "",
        "last_reviewed": None,
        "next_review_due": None,
        "calculator": "",
        "sections": [("overview", "Draft text nobody reviewed.")],
        "treatments": [],
        "urgency": [],
        "references": [],
        "figure": False,
        "related": [],
    },
]

FIGURE = {
    "section": "causes",
    "position": 0,
    "image": "conditions/figures/0123456789ab-nerve.png",
    "alt_text": "A nerve in the face with a blood vessel pressing on it.",
    "caption": "A blood vessel pressing on the facial nerve.",
    "width": 1000,
    "height": 600,
    "renditions": [
        {
            "name": "conditions/figures/0123456789ab-nerve-480.webp",
            "width": 480,
            "height": 288,
            "type": "image/webp",
        },
        {
            "name": "conditions/figures/0123456789ab-nerve-480.png",
            "width": 480,
            "height": 288,
            "type": "image/png",
        },
        {
            "name": "conditions/figures/0123456789ab-nerve-800.webp",
            "width": 800,
            "height": 480,
            "type": "image/webp",
        },
        {
            "name": "conditions/figures/0123456789ab-nerve-800.png",
            "width": 800,
            "height": 480,
            "type": "image/png",
        },
    ],
}


class _ArticleText(HTMLParser):
    """The words of the page's <article>, without its review block, plus every image's address and
    alternative text and every link's target: what a patient reads and follows."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside <article>
        self.skip = 0  # inside the review block
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if self.skip or "article-review" in (attributes.get("class") or "").split():
            self.skip += tag not in ("br", "img", "source", "input")
            return
        if tag == "a":
            self.words.append(f"[link {attributes.get('href')}]")
        if tag == "img":
            self.words.append(f"[image {attributes.get('src')} {attributes.get('alt')}]")

    def handle_endtag(self, tag):
        if self.skip and tag not in ("br", "img", "source", "input"):
            self.skip -= 1
            return
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.words.extend(data.split())


def page_text(html: str) -> str:
    parser = _ArticleText()
    parser.feed(html)
    return " ".join(parser.words)
