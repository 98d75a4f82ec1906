"""Initial condition articles, loaded by `manage.py seed_content`."""

from django.core.management.base import OutputWrapper

from conditions.models import Condition

ARTICLES = [
    {
        "slug": "hemifacial-spasm",
        "name": "Hemifacial spasm",
        "summary": (
            "Hemifacial spasm makes the muscles on one side of the face twitch or tighten without "
            "warning. It usually starts around one eye. It is not painful, but it can get worse "
            "over time, and treatment helps most people."
        ),
    },
    {
        "slug": "trigeminal-neuralgia",
        "name": "Trigeminal neuralgia",
        "summary": (
            "Trigeminal neuralgia causes sudden, very strong stabs of pain on one side of the face. "
            "Like hemifacial spasm, it is often caused by a blood vessel pressing on a nerve."
        ),
    },
]


def seed_conditions(*, stdout: OutputWrapper) -> None:
    for article in ARTICLES:
        _, created = Condition.objects.get_or_create(
            slug=article["slug"],
            defaults={**article, "status": Condition.Status.PUBLISHED},
        )
        stdout.write(f"{'Created' if created else 'Kept'} condition: {article['name']}")
