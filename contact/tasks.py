"""Tasks of the contact app, run by the task worker (`manage.py db_worker`, see settings.TASKS)."""

from django.tasks import task

from contact.models import Mail


@task
def send_enquiry_mails(*, enquiry_id: int, mails: list[str]) -> dict[str, str]:
    """Send those of an enquiry's mails (contact.models.Mail values) that are still owed, one by
    one, and record each outcome on the enquiry; a failed one is retried later on its own.
    Returns what happened to each. One task for both mails: a new enquiry costs one queued row."""
    # Imported here: contact.services enqueues this task (the HackSoft styleguide's pattern).
    from contact.services import enquiry_mail_send

    return {mail: enquiry_mail_send(enquiry_id=enquiry_id, mail=Mail(mail)) for mail in mails}
