"""
Realistic data at scale, made through the project's own models and services: for the benchmark's
data-scale modes (`--data-scale`, `--staff-scale`: bench/README.md) and for tests.

- `articles_generate`: published articles with all their parts (every kind of section,
  treatments with their verdicts, the three urgency blocks, references, other names, related
  conditions), their text derived from the seeded articles (conditions/content/) with each one's
  own name put in, and names spread over the whole alphabet, so an A-Z has every letter. Each is
  put live by the real publishing service (`condition_publish_seeded`), so it has a live
  PublishedVersion with its snapshot, exactly as a reviewer's publish makes it. With `versions`
  above 1, each article also gets that many versions in its history: the live one is the latest,
  the older ones are copies of its row with earlier dates and their own notes (bulk-inserted:
  publishing 20,000 times through the service would take minutes and measure nothing more).
  About 15% of the names end in "tremor" (a word in no seeded text), so a search for it finds
  about 150 of 1,000 articles.
- `enquiries_generate`: write-in enquiries with realistic statuses (the recent ones open, the
  older ones mostly closed), dates spread over two years, conditions, references, assignees, and
  their mails as the task worker leaves them (sent, a few failed), each with its finished task row
  of django-tasks-db, all with bulk_create.

From the command line (the settings and DATABASE_URL of the environment name the database):

    python manage.py shell -c "from bench.datagen import main; main(['--articles', '1000'])"

`--articles` and `--enquiries` are totals to reach: what is there already counts.
"""

import argparse
import datetime
import random
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from conditions.content import ARTICLES
from conditions.models import (
    Condition,
    PublishedVersion,
    Reference,
    Section,
    Treatment,
    UrgencyAdvice,
    tidy_text,
)
from conditions.services import condition_publish_seeded
from contact.models import COORDINATORS_GROUP, Enquiry, MailStatus
from contact.references import new_reference

TREMOR_EVERY = (0, 7, 14)  # of each 20 names: about 150 in 1,000 end in "tremor"
KINDS = ["spasm", "neuralgia", "palsy", "myokymia", "dystonia", "neuropathy", "syndrome"]
VOWELS = "aeiou"
CONSONANTS = "bdklmnrstv"
ENDINGS = ["er", "an", "ell", "ov", "ick", "ard", "ton", "ley"]
REVIEWER = ("Neuro Asia Care clinical team", "Neurosurgery")
BATCH = 50  # articles per transaction
ENQUIRY_BATCH = 2000

# The seeded articles' own names (and old names), replaced by each generated article's.
OWN_NAMES = re.compile(r"\b(hemifacial spasms?|trigeminal neuralgia|tic convulsif|tic douloureux)\b", re.I)
HEMI = re.compile(r"\b([Hh])emifacial\b")


def condition_name(index: int) -> tuple[str, str]:
    """The `index`-th generated name and its other name, e.g. ("Bamer spasm", "Bamer disease"):
    made-up eponyms starting with each letter in turn, so 26 in a row cover the alphabet."""
    letter = chr(ord("A") + index % 26)
    k = index // 26
    if letter in "AEIOU":
        eponym = letter + CONSONANTS[k % 10] + VOWELS[k // 10 % 5] + ENDINGS[k // 50 % 8]
    else:
        eponym = letter + VOWELS[k % 5] + CONSONANTS[k // 5 % 10] + ENDINGS[k // 50 % 8]
    kind = "tremor" if index % 20 in TREMOR_EVERY else KINDS[index % len(KINDS)]
    return f"{eponym} {kind}", f"{eponym} disease"


def _adapt(text: str, name: str, other_name: str) -> str:
    """A seeded text about another condition, with this one's names in it."""

    def own(match: re.Match) -> str:
        return other_name if match.group(0).lower().startswith("tic ") else name

    text = OWN_NAMES.sub(own, text)
    return HEMI.sub(lambda m: "One-sided" if m.group(1) == "H" else "one-sided", text)


def _parts(condition: Condition, base: dict, name: str, other_name: str) -> list:
    """Every part of the article, ready for bulk_create (positions set as save() would)."""
    kinds, levels = list(Section.Kind), list(UrgencyAdvice.Level)
    parts: list = [
        Section(condition=condition, kind=kind, position=kinds.index(kind), body=tidy_text(_adapt(body, name, other_name)))
        for kind, body in base["sections"].items()
    ]  # fmt: skip
    parts += [
        Treatment(
            condition=condition,
            position=position,
            name=t["name"],
            verdict=t["verdict"],
            verdict_kind=t["verdict_kind"],
            body=tidy_text(_adapt(t["body"], name, other_name)),
        )
        for position, t in enumerate(base["treatments"])
    ]
    parts += [
        UrgencyAdvice(
            condition=condition,
            level=level,
            position=levels.index(level),
            body=tidy_text(_adapt(body, name, other_name)),
        )
        for level, body in base["urgency"].items()
    ]
    parts += [
        Reference(
            condition=condition,
            position=position,
            title=r["title"],
            source=r["source"],
            year=r["year"],
            url=r.get("url") or "",
        )
        for position, r in enumerate(base["references"])
    ]
    return parts


def articles_generate(*, count: int, versions: int = 1, seed: int = 0) -> list[Condition]:
    """`count` new published articles with all their parts and `versions` versions each (see the
    module docstring). Names continue after those generated before, so calls add up."""
    if versions < 1:
        raise ValueError("An article has at least one version.")
    rng = random.Random(seed)
    start = Condition.objects.count()
    today = timezone.localdate()
    made: list[Condition] = []
    pool: list[int] = []
    for first in range(start, start + count, BATCH):
        with transaction.atomic():
            batch = []
            for index in range(first, min(first + BATCH, start + count)):
                name, other_name = condition_name(index)
                base = ARTICLES[index % len(ARTICLES)]
                batch.append(
                    (
                        Condition(
                            name=name,
                            slug=slugify(name),
                            summary=tidy_text(_adapt(base["summary"], name, other_name)),
                            also_known_as=other_name,
                        ),
                        base,
                        name,
                        other_name,
                    )
                )
            conditions = Condition.objects.bulk_create([condition for condition, *_ in batch])
            parts = [part for condition, *texts in batch for part in _parts(condition, *texts)]
            for model in (Section, Treatment, UrgencyAdvice, Reference):
                model.objects.bulk_create([part for part in parts if isinstance(part, model)])
            made += conditions
            # Each suggests up to three of the articles generated before it.
            links = []
            for condition in conditions:
                for other in rng.sample(pool, k=min(3, len(pool))):
                    links.append(
                        Condition.related.through(from_condition_id=condition.pk, to_condition_id=other)
                    )
                pool.append(condition.pk)
            Condition.related.through.objects.bulk_create(links)
            for condition in conditions:
                reviewed_on = today - datetime.timedelta(days=rng.randrange(0, 330))
                condition_publish_seeded(
                    condition_id=condition.pk,
                    reviewer_name=REVIEWER[0],
                    reviewer_role=REVIEWER[1],
                    reviewed_on=reviewed_on,
                    next_review_due=reviewed_on + datetime.timedelta(days=365),
                )
            if versions > 1:
                _add_history(conditions, versions, rng)
    return made


def _add_history(conditions: list[Condition], versions: int, rng: random.Random) -> None:
    """Make each article's live version its `versions`-th, with `versions - 1` older ones."""
    live = PublishedVersion.objects.published().filter(condition__in=conditions)
    live.update(number=versions)
    history = []
    for version in live:
        for number in range(1, versions):
            age = datetime.timedelta(days=30 * (versions - number) + rng.randrange(0, 20))
            copy = PublishedVersion(
                **{
                    field.attname: getattr(version, field.attname)
                    for field in PublishedVersion._meta.concrete_fields
                    if field.name not in ("id", "number", "is_live")
                },
                number=number,
                is_live=False,
            )
            copy.published_at = version.published_at - age
            copy.reviewed_on = copy.last_reviewed_on = copy.text_changed_on = copy.published_at.date()
            copy.next_review_due = copy.reviewed_on + datetime.timedelta(days=365)
            copy.change_note = f"Updated the {rng.choice(list(Section.HEADINGS.values())).lower()} section."
            copy.reviewer_note = f"Checked against the references (review {number})."
            history.append(copy)
    PublishedVersion.objects.bulk_create(history, batch_size=1000)


# --- Enquiries -------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Wei Ming", "Siew Ling", "Ahmad", "Priya", "Mei Hua", "Rajesh", "Nurul", "Jia Hui", "Kumar",
    "Li Na", "Farah", "Daniel", "Aisha", "Hui Min", "Suresh", "Grace", "Irfan", "Yan Ting",
    "Michael", "Lakshmi", "Zhi Hao", "Siti", "Benjamin", "Kavitha", "Jun Jie", "Nadia",
]  # fmt: skip
SURNAMES = [
    "Tan", "Lim", "Lee", "Ng", "Wong", "Goh", "Chua", "Ong", "Koh", "Teo", "Abdullah", "Rahman",
    "Ismail", "Nair", "Menon", "Pillai", "Singh", "Kaur", "Fernandez", "Chong", "Yeo", "Low",
]  # fmt: skip
MESSAGES = [
    "My left eye has been twitching for about a year and it is spreading to my cheek. Can I see a "
    "doctor about this?",
    "I have sharp pain on the right side of my face when I brush my teeth. What should I do?",
    "My mother was told she needs an operation for her face. Could someone explain the options?",
    "I have had injections for two years. They work but wear off sooner now. Is surgery an option?",
    "Can I book an appointment for a second opinion? I have my MRI report with me.",
    "How long is the waiting time for a consultation, and do I need a referral letter?",
]
# Of every 1,000 enquiries, the newest are still being handled.
OPEN_SHARE = 0.03


@contextmanager
def dates_as_given(*fields) -> Iterator[None]:
    """Let bulk_create keep the dates set on the objects: auto_now / auto_now_add fields would
    otherwise be set to now (generated data spreads enquiries over two years)."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field, *_ in saved:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def coordinators_ensure(count: int = 4) -> list:
    """`count` coordinators (staff in the Coordinators group) to assign enquiries to."""
    group = Group.objects.get(name=COORDINATORS_GROUP)
    users = []
    for number in range(1, count + 1):
        user, made = get_user_model().objects.get_or_create(
            username=f"coordinator{number}",
            defaults={"is_staff": True, "first_name": FIRST_NAMES[number], "last_name": SURNAMES[number]},
        )
        if made:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        users.append(user)
    return users


def enquiries_generate(*, count: int, seed: int = 0, span_days: int = 730) -> int:
    """`count` enquiries received over the last `span_days` days (see the module docstring), each
    with the finished task row that sent its mails. Returns how many were made."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    rng = random.Random(seed)
    conditions = list(PublishedVersion.objects.published().values_list("condition_id", flat=True))
    assignees = coordinators_ensure()
    references = set(Enquiry.objects.values_list("reference", flat=True))
    now = timezone.now()
    step = datetime.timedelta(days=span_days) / max(count, 1)
    enquiry_dates = [Enquiry._meta.get_field(name) for name in ("created_at", "updated_at")]
    with dates_as_given(*enquiry_dates, DBTaskResult._meta.get_field("enqueued_at")):
        for first in range(0, count, ENQUIRY_BATCH):
            enquiries = []
            for index in range(first, min(first + ENQUIRY_BATCH, count)):
                received = now - (count - index) * step - datetime.timedelta(seconds=rng.randrange(0, 600))
                reference = new_reference()
                while reference in references:
                    reference = new_reference()
                references.add(reference)
                enquiries.append(_enquiry(rng, index / count, received, reference, conditions, assignees))
            with transaction.atomic():
                Enquiry.objects.bulk_create(enquiries)
                DBTaskResult.objects.bulk_create(
                    _finished_task(enquiry, get_date_max()) for enquiry in enquiries
                )
    return count


def _enquiry(rng, age_rank: float, received, reference, conditions, assignees) -> Enquiry:
    """One enquiry; `age_rank` 0 for the oldest of the run, near 1 for the newest."""
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    has_email = rng.random() < 0.85
    email = f"{slugify(name).replace('-', '.')}{rng.randrange(1, 999)}@example.sg" if has_email else ""
    phone = (
        f"+65{rng.choice('689')}{rng.randrange(0, 10_000_000):07d}"
        if not has_email or rng.random() < 0.7
        else ""
    )
    contact = rng.choice(
        [c for c in Enquiry.ContactMethod if (c != "email" or email) and (c != "phone" or phone)]
    )
    if age_rank > 1 - OPEN_SHARE:
        status = rng.choice(
            [Enquiry.Status.NEW, Enquiry.Status.NEW, Enquiry.Status.IN_PROGRESS, Enquiry.Status.WAITING]
        )
    else:
        status = Enquiry.Status.CLOSED if rng.random() < 0.97 else Enquiry.Status.WAITING
    failed = rng.random() < 0.002
    enquiry = Enquiry(
        reference=reference,
        submission_id=uuid.uuid4(),
        name=name,
        email=email,
        phone=phone,
        preferred_contact=contact,
        condition_id=rng.choice(conditions) if conditions and rng.random() < 0.6 else None,
        message=rng.choice(MESSAGES),
        consent_at=received,
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
        created_at=received,
        updated_at=received + datetime.timedelta(days=rng.randrange(0, 20) if status != "new" else 0),
        status=status,
        assignee=None if status == Enquiry.Status.NEW else rng.choice(assignees),
        coordinator_mail=MailStatus.FAILED if failed else MailStatus.SENT,
        coordinator_mail_attempts=4 if failed else 1,
        coordinator_mail_error="SMTPServerDisconnected: Connection unexpectedly closed" if failed else "",
        coordinator_mail_tried_at=received + datetime.timedelta(seconds=2),
        acknowledgement_mail=MailStatus.SENT if email else MailStatus.NOT_NEEDED,
        acknowledgement_mail_attempts=1 if email else 0,
        acknowledgement_mail_tried_at=received + datetime.timedelta(seconds=3) if email else None,
    )  # fmt: skip
    return enquiry


def _finished_task(enquiry: Enquiry, no_date):
    """The task row the worker leaves once it has sent (or given up on) an enquiry's mails."""
    from django_tasks_db.models import DBTaskResult

    mails = ["coordinator"] + (["acknowledgement"] if enquiry.email else [])
    outcome = {
        "coordinator": enquiry.coordinator_mail,
        **({"acknowledgement": "sent"} if enquiry.email else {}),
    }
    return DBTaskResult(
        status="SUCCESSFUL",
        enqueued_at=enquiry.created_at,
        started_at=enquiry.created_at + datetime.timedelta(seconds=1),
        finished_at=enquiry.created_at + datetime.timedelta(seconds=3),
        args_kwargs={"args": [], "kwargs": {"enquiry_id": enquiry.pk, "mails": mails}},
        task_path="contact.tasks.send_enquiry_mails",
        worker_ids=["bench-datagen"],
        queue_name="default",
        backend_name="default",
        run_after=no_date,
        return_value=outcome,
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate benchmark data (bench/datagen.py).")
    parser.add_argument("--articles", type=int, default=0, help="published articles to reach in total")
    parser.add_argument("--versions", type=int, default=1, help="versions of each generated article")
    parser.add_argument("--enquiries", type=int, default=0, help="enquiries to reach in total")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.monotonic()
    published = PublishedVersion.objects.published().count()
    made = articles_generate(count=max(0, args.articles - published), versions=args.versions, seed=args.seed)
    articles_done = time.monotonic()
    enquiries = enquiries_generate(count=max(0, args.enquiries - Enquiry.objects.count()), seed=args.seed)
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner, as autovacuum would gather soon after a bulk load in
        # production: without them it guesses the row counts of the tables it has just seen grow.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"generated {len(made)} articles"
        + (f" ({args.versions} versions each)" if made and args.versions > 1 else "")
        + f" in {articles_done - started:.1f} s, {enquiries:,} enquiries in {time.monotonic() - articles_done:.1f} s"
    )
