"""The old publishing fields, now carried by published versions (0007), and the parts' stored HTML
(a snapshot renders each part's Markdown when it is published)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("conditions", "0007_versions_from_published_articles"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='condition',
            name='condition_status_valid',
        ),
        migrations.RemoveConstraint(
            model_name='condition',
            name='condition_next_review_after_last_review',
        ),
        migrations.RemoveConstraint(
            model_name='condition',
            name='condition_published_needs_review_details',
        ),
        migrations.RemoveField(
            model_name='section',
            name='body_html',
        ),
        migrations.RemoveField(
            model_name='treatment',
            name='body_html',
        ),
        migrations.RemoveField(
            model_name='urgencyadvice',
            name='body_html',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='body_html',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='body_version',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='last_reviewed',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='next_review_due',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='reviewed_by',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='reviewed_by_role',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='share_image',
        ),
        migrations.RemoveField(
            model_name='condition',
            name='status',
        ),
    ]
