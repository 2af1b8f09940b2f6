"""Drop a user's cached layout values when the rows behind them change."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from . import offers
from .auth_backends import PERMISSIONS
from .context_processors import NOTIFICATIONS
from .user_cache import user_cache_clear

User = get_user_model()
Notification = get_model("communication", "Notification")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")


@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=User.groups.through)
def user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, User):  # user.user_permissions.add(...) / user.groups.add(...)
        user_ids = [instance.pk]
    elif isinstance(instance, Group):  # group.user_set.add(...)
        user_ids = list(pk_set or []) or list(instance.user_set.values_list("pk", flat=True))
    else:  # permission.user_set.add(...)
        user_ids = list(pk_set or []) or list(instance.user_set.values_list("pk", flat=True))
    user_cache_clear(kind=PERMISSIONS, user_ids=user_ids)


@receiver(m2m_changed, sender=Group.permissions.through)
def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Group):
        groups = [instance]
    else:
        groups = Group.objects.filter(pk__in=pk_set or []) if pk_set else instance.group_set.all()
    user_ids = User.objects.filter(groups__in=groups).values_list("pk", flat=True)
    user_cache_clear(kind=PERMISSIONS, user_ids=list(user_ids))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def user_changed(sender, instance, **kwargs):
    # is_superuser / is_active change what get_all_permissions returns.
    user_cache_clear(kind=PERMISSIONS, user_ids=[instance.pk])


@receiver(post_delete, sender=Permission)
@receiver(post_delete, sender=Group)
def permission_rows_deleted(sender, instance, **kwargs):
    user_cache_clear(kind=PERMISSIONS, user_ids=list(User.objects.values_list("pk", flat=True)))


@receiver(post_save, sender=Notification)
@receiver(post_delete, sender=Notification)
def notification_changed(sender, instance, **kwargs):
    user_cache_clear(kind=NOTIFICATIONS, user_ids=[instance.recipient_id])


@receiver(post_save, sender=ConditionalOffer)
@receiver(post_delete, sender=ConditionalOffer)
@receiver(post_save, sender=Voucher)
@receiver(post_delete, sender=Voucher)
def offers_changed(sender, instance, **kwargs):
    offers.offers_exist_forget()
