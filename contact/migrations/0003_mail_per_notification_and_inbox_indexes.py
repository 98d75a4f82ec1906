"""Each notification mail gets its own attempts, last error and last try (they shared one set),
so the task that sends one mail records only its own outcome; `mail_owed`, kept by the database;
and the indexes that keep the coordinators' list fast at 100,000 enquiries.

The data step keeps what was recorded: the shared attempt count and time go to both mails, and
the shared error text, written as one "Coordinator notice: ..." / "Acknowledgement: ..." line per
mail, is split between them. Reversible: going back joins them again.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PREFIXES = {"coordinator": "Coordinator notice: ", "acknowledgement": "Acknowledgement: "}
NOT_TRIED = ("pending", "not_needed")
NEW_FIELDS = [f"{mail}_mail_{field}" for mail in PREFIXES for field in ("attempts", "tried_at", "error")]
OLD_FIELDS = ["notification_attempts", "notification_attempted_at", "notification_error"]
BATCH = 1000


def in_batches(queryset, update, fields):
    """Call update(row) on every row and save `fields` a thousand rows at a time."""
    changed = []
    for row in queryset.iterator(chunk_size=BATCH):
        update(row)
        changed.append(row)
        if len(changed) == BATCH:
            queryset.model.objects.bulk_update(changed, fields)
            changed = []
    queryset.model.objects.bulk_update(changed, fields)


def split_notification_record(apps, schema_editor):
    def split(enquiry):
        lines = enquiry.notification_error.splitlines()
        for mail, prefix in PREFIXES.items():
            if getattr(enquiry, f"{mail}_mail") in NOT_TRIED:
                continue
            setattr(enquiry, f"{mail}_mail_attempts", enquiry.notification_attempts)
            setattr(enquiry, f"{mail}_mail_tried_at", enquiry.notification_attempted_at)
            errors = [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]
            setattr(enquiry, f"{mail}_mail_error", "\n".join(errors))

    Enquiry = apps.get_model("contact", "Enquiry")
    in_batches(Enquiry.objects.exclude(notification_attempts=0), split, NEW_FIELDS)


def join_notification_record(apps, schema_editor):
    def join(enquiry):
        enquiry.notification_attempts = max(
            enquiry.coordinator_mail_attempts, enquiry.acknowledgement_mail_attempts
        )
        tried = [t for t in (enquiry.coordinator_mail_tried_at, enquiry.acknowledgement_mail_tried_at) if t]
        enquiry.notification_attempted_at = max(tried, default=None)
        enquiry.notification_error = "\n".join(
            prefix + getattr(enquiry, f"{mail}_mail_error")
            for mail, prefix in PREFIXES.items()
            if getattr(enquiry, f"{mail}_mail_error")
        )
        for mail in PREFIXES:  # the old code knew no "sending": such a mail is owed
            if getattr(enquiry, f"{mail}_mail") == "sending":
                setattr(enquiry, f"{mail}_mail", "pending")

    Enquiry = apps.get_model("contact", "Enquiry")
    in_batches(Enquiry.objects.all(), join, [*OLD_FIELDS, "coordinator_mail", "acknowledgement_mail"])


class Migration(migrations.Migration):
    dependencies = [
        # The condition FK only loses its single-column index (composite ones replace it).
        ("conditions", "0001_initial"),
        ("contact", "0002_coordinators_group"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="enquiry",
            name="acknowledgement_mail_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="acknowledgement: attempts"),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="acknowledgement_mail_error",
            field=models.TextField(
                blank=True,
                help_text="Why the last attempt failed.",
                verbose_name="acknowledgement: last error",
            ),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="acknowledgement_mail_tried_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="acknowledgement: last tried"),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="coordinator_mail_attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="coordinator notice: attempts"),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="coordinator_mail_error",
            field=models.TextField(
                blank=True,
                help_text="Why the last attempt failed.",
                verbose_name="coordinator notice: last error",
            ),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="coordinator_mail_tried_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="coordinator notice: last tried"),
        ),
        migrations.RunPython(split_notification_record, join_notification_record),
        migrations.RemoveField(
            model_name="enquiry",
            name="notification_attempted_at",
        ),
        migrations.RemoveField(
            model_name="enquiry",
            name="notification_attempts",
        ),
        migrations.RemoveField(
            model_name="enquiry",
            name="notification_error",
        ),
        migrations.AddField(
            model_name="enquiry",
            name="mail_owed",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(
                        models.Q(
                            ("coordinator_mail__in", ["pending", "sending", "failed"]),
                            ("acknowledgement_mail__in", ["pending", "sending", "failed"]),
                            _connector="OR",
                        ),
                        then=models.Value(True),
                    ),
                    default=models.Value(False),
                ),
                output_field=models.BooleanField(),
            ),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="acknowledgement_mail",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("not_needed", "Not needed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="acknowledgement to patient",
            ),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The coordinator looking after this enquiry.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assigned_enquiries",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="condition",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="The condition the patient chose, if any.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="enquiries",
                to="conditions.condition",
            ),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="coordinator_mail",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                    ("not_needed", "Not needed"),
                ],
                default="pending",
                max_length=10,
                verbose_name="coordinator notice",
            ),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="received"),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="status",
            field=models.CharField(
                choices=[
                    ("new", "New"),
                    ("in_progress", "In progress"),
                    ("waiting", "Waiting for patient"),
                    ("closed", "Closed"),
                ],
                default="new",
                max_length=12,
            ),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["created_at", "id"], name="enquiry_created_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["status", "created_at", "id"], name="enquiry_status_created_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["assignee", "created_at", "id"], name="enquiry_assignee_created_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(
                fields=["condition", "created_at", "id"], name="enquiry_condition_created_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["condition", "status"], name="enquiry_condition_status_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["name"], name="enquiry_name_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["email"], name="enquiry_email_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["phone"], name="enquiry_phone_idx"),
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(
                condition=models.Q(("mail_owed", True)),
                fields=["created_at", "id"],
                name="enquiry_mail_owed_idx",
            ),
        ),
    ]
