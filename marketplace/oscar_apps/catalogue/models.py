"""Oscar's catalogue models; a product's title and description are cleaned of script on every save.

Vendors write them (dashboard, import) and staff edit them (admin); the shop serves
them to buyers, so the rule sits on the model and holds for the ORM too.
"""

from oscar.apps.catalogue.abstract_models import AbstractProduct

from marketplace.vendor_html import vendor_html_clean, vendor_text_clean


class Product(AbstractProduct):
    def clean(self):
        self.title = vendor_text_clean(self.title)
        self.description = vendor_html_clean(self.description)
        super().clean()

    def save(self, *args, **kwargs):
        self.title = vendor_text_clean(self.title)
        self.description = vendor_html_clean(self.description)
        super().save(*args, **kwargs)


from oscar.apps.catalogue.models import *  # noqa: E402, F403  (the rest of Oscar's models, unchanged)
