from django.tasks import task

from contact.notifications import enquiry_notify


@task
def send_enquiry_notifications(*, enquiry_id: int, attempts: int | None = None) -> dict[str, str]:
    """Notify the coordinators and acknowledge the patient for a saved enquiry.

    Mail failures are recorded on the enquiry, not raised: the enquiry is the record of what is
    owed, and `manage.py retry_notifications` re-enqueues this task for anything still owed.
    `attempts` is the enquiry's attempt count when the task was enqueued: if another run has
    counted an attempt since, this one sends nothing (so a late retry never sends twice).
    """
    return enquiry_notify(enquiry_id=enquiry_id, attempts=attempts)
