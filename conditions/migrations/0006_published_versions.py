"""Published versions of articles, with their sign-off; review reminders; who last changed an article.

Adds the new tables only: 0007 carries the published articles into them, 0008 then removes the
old publishing fields."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0005_editors_group'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=255)),
            ],
            options={
                'ordering': ['version', 'name'],
            },
        ),
        migrations.CreateModel(
            name='PublishedVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(help_text="1 for the article's first version, then 2, 3, ...")),
                ('is_live', models.BooleanField(default=False)),
                ('slug', models.SlugField(db_index=False, max_length=120)),
                ('name', models.CharField(max_length=120)),
                ('summary', models.TextField()),
                ('also_known_as', models.CharField(blank=True, max_length=250)),
                ('snapshot', models.JSONField(help_text='The whole article: conditions/snapshots.py describes it.')),
                ('source_changed_at', models.DateTimeField(help_text='When the working copy this version was made from had last changed.')),
                ('published_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('unpublished_at', models.DateTimeField(blank=True, null=True)),
                ('reviewer_name', models.CharField(max_length=120)),
                ('reviewer_role', models.CharField(blank=True, max_length=120)),
                ('reviewed_on', models.DateField()),
                ('clinical_change', models.BooleanField(default=True, help_text='False for a change that alters no medical fact (a typo fix).')),
                ('change_note', models.CharField(blank=True, help_text='Public: shown on the page.', max_length=200, verbose_name='what changed')),
                ('reviewer_note', models.TextField(blank=True, help_text='Private: for staff only.')),
                ('last_reviewed_on', models.DateField()),
                ('last_reviewer_name', models.CharField(max_length=120)),
                ('last_reviewer_role', models.CharField(blank=True, max_length=120)),
                ('next_review_due', models.DateField()),
                ('text_changed_on', models.DateField(help_text='When the page\'s text last changed (its "Last updated" date after a no-clinical-change publish).')),
            ],
            options={
                'ordering': ['condition', '-number'],
                'get_latest_by': 'number',
            },
        ),
        migrations.CreateModel(
            name='ReviewReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('due-soon', 'Due within 30 days'), ('overdue', 'Overdue')], max_length=10)),
                ('due_date', models.DateField()),
                ('recipients', models.TextField(help_text='The addresses it went to, one per line.')),
                ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['-sent_at'],
            },
        ),
        migrations.AlterModelOptions(
            name='condition',
            options={'ordering': ['name'], 'permissions': [('publish_condition', 'Can sign off and publish, unpublish, republish and restore articles')]},
        ),
        migrations.AddField(
            model_name='condition',
            name='updated_by',
            field=models.ForeignKey(blank=True, editable=False, help_text='Who last changed the working copy in the admin.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='condition',
            name='related',
            field=models.ManyToManyField(blank=True, help_text='Other conditions to suggest at the end of the article. Type to search; patients see only the ones that are published.', related_name='+', to='conditions.condition'),
        ),
        migrations.AlterField(
            model_name='condition',
            name='slug',
            field=models.SlugField(help_text='The last part of the page address. A new address takes effect when the article is published; the old one keeps working and sends visitors to the new one.', max_length=120, unique=True),
        ),
        migrations.AlterField(
            model_name='figure',
            name='alt_text',
            field=models.CharField(help_text='What the image shows, for people who cannot see it. Read aloud by screen readers. Up to 250 characters.', max_length=250, verbose_name='alternative text'),
        ),
        migrations.AlterField(
            model_name='figure',
            name='caption',
            field=models.CharField(help_text='Shown under the image for everyone. Up to 300 characters.', max_length=300),
        ),
        migrations.AlterField(
            model_name='section',
            name='body',
            field=models.TextField(help_text="Markdown (see the guide at the top): a blank line between paragraphs, '- ' for a list, '### ' for a sub-heading, [text](https://address) for a link. Short sentences and everyday words."),
        ),
        migrations.AddField(
            model_name='publishedversion',
            name='condition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='versions', to='conditions.condition'),
        ),
        migrations.AddField(
            model_name='publishedversion',
            name='last_reviewer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='publishedversion',
            name='published_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='publishedversion',
            name='republished_from',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='conditions.publishedversion'),
        ),
        migrations.AddField(
            model_name='publishedversion',
            name='reviewer',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='publishedversion',
            name='unpublished_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='publishedfile',
            name='version',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='conditions.publishedversion'),
        ),
        migrations.AddField(
            model_name='reviewreminder',
            name='condition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_reminders', to='conditions.condition'),
        ),
        migrations.AddIndex(
            model_name='publishedversion',
            index=models.Index(condition=models.Q(('is_live', True)), fields=['next_review_due'], name='live_review_due'),
        ),
        migrations.AddConstraint(
            model_name='publishedversion',
            constraint=models.UniqueConstraint(fields=('condition', 'number'), name='version_number_unique'),
        ),
        migrations.AddConstraint(
            model_name='publishedversion',
            constraint=models.UniqueConstraint(condition=models.Q(('is_live', True)), fields=('condition',), name='one_live_version_per_article'),
        ),
        migrations.AddConstraint(
            model_name='publishedversion',
            constraint=models.UniqueConstraint(condition=models.Q(('is_live', True)), fields=('slug',), name='live_slug_unique'),
        ),
        migrations.AddConstraint(
            model_name='publishedversion',
            constraint=models.CheckConstraint(condition=models.Q(('next_review_due__gt', models.F('last_reviewed_on'))), name='version_next_review_after_last_review', violation_error_message='The next review must be due after the last review.'),
        ),
        migrations.AddConstraint(
            model_name='reviewreminder',
            constraint=models.UniqueConstraint(fields=('condition', 'stage', 'due_date'), name='one_reminder_per_stage_and_due_date'),
        ),
    ]
