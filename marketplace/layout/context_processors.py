from django.utils.functional import SimpleLazyObject
from oscar.core.loading import get_model

from .user_cache import user_cached

NOTIFICATIONS = "unread_notifications"


def unread_notifications_count(*, user_id: int) -> int:
    Notification = get_model("communication", "Notification")
    return Notification.objects.filter(recipient_id=user_id, date_read=None).count()


def notifications(request):
    """Oscar's `num_unread_notifications`, cached per user and only read if a template asks."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "num_unread_notifications": SimpleLazyObject(
            lambda: user_cached(
                kind=NOTIFICATIONS,
                user_id=user.pk,
                loader=lambda: unread_notifications_count(user_id=user.pk),
            )
        )
    }
