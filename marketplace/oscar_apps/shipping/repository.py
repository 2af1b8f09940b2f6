from oscar.apps.shipping import repository

from .methods import CollectAtHub, Delivery


class Repository(repository.Repository):
    """Delivery first (the usual choice for gifts), then collect at the hub."""

    methods = (Delivery(), CollectAtHub())
