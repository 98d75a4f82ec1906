from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from staff.sessions import stamp_sign_in


@receiver(user_logged_in)
def stamp_staff_session(sender, request, user, **kwargs) -> None:
    """Start the session's clocks (staff.sessions) at every sign-in."""
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request.session)
