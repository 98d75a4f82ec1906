from django.tasks import task

from contact.notifications import enquiry_notify


@task
def send_enquiry_notifications(*, enquiry_id: int) -> dict[str, str]:
    """Notify the coordinators and acknowledge the patient for a saved enquiry.

    Mail failures are recorded on the enquiry, not raised: the enquiry is the record of what is
    owed, and `manage.py retry_notifications` re-enqueues this task for anything still owed.
    """
    return enquiry_notify(enquiry_id=enquiry_id)
