"""Tasks of the contact app, run by the task worker (`manage.py db_worker`, see settings.TASKS)."""

from django.tasks import task

from contact.models import Mail


@task
def send_enquiry_mail(*, enquiry_id: int, mail: str) -> str:
    """Send one of an enquiry's two mails (a contact.models.Mail value) if it is still owed, and
    record the outcome on the enquiry; a failure is retried later. Returns what happened."""
    # Imported here: contact.services enqueues this task (the HackSoft styleguide's pattern).
    from contact.services import enquiry_mail_send

    return enquiry_mail_send(enquiry_id=enquiry_id, mail=Mail(mail))
