from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("conditions", "0003_adopt_placeholder_articles")]

    operations = [
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['draft', 'published'])), name='condition_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(('last_reviewed__isnull', True), ('next_review_due__isnull', True), ('next_review_due__gt', models.F('last_reviewed')), _connector='OR'), name='condition_next_review_after_last_review', violation_error_message='The next review must be due after the last review.'),
        ),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'draft'), models.Q(('last_reviewed__isnull', False), ('next_review_due__isnull', False), models.Q(('reviewed_by', ''), _negated=True)), _connector='OR'), name='condition_published_needs_review_details', violation_error_message='A published article needs a reviewer and both review dates.'),
        ),
    ]
