from django.urls import path

from . import views

app_name = "giftbaskets"

urlpatterns = [
    path("", views.index, name="index"),
    path("faerdige/<slug:slug>/", views.ready_made_detail, name="ready-made"),
    path("faerdige/<slug:slug>/i-kurv/", views.ready_made_add_to_cart, name="ready-made-add"),
    path("faerdige/<slug:slug>/kopier/", views.ready_made_copy, name="ready-made-copy"),
    path("sammensaet/", views.composer, name="composer"),
    path("sammensaet/type/", views.composer_choose_type, name="composer-type"),
    path("sammensaet/tilfoej/", views.composer_add_item, name="composer-add"),
    path("sammensaet/antal/", views.composer_set_quantity, name="composer-quantity"),
    path("sammensaet/fjern/", views.composer_remove_item, name="composer-remove"),
    path("sammensaet/detaljer/", views.composer_details, name="composer-details"),
    path("sammensaet/ny/", views.composer_new, name="composer-new"),
    path("sammensaet/gem/", views.composer_save, name="composer-save"),
    path("sammensaet/i-kurv/", views.composer_add_to_cart, name="composer-add-to-cart"),
    path("mine/", views.my_designs, name="my-designs"),
    path("mine/<int:pk>/aabn/", views.my_design_open, name="my-design-open"),
    path("mine/<int:pk>/omdoeb/", views.my_design_rename, name="my-design-rename"),
    path("mine/<int:pk>/kopier/", views.my_design_copy, name="my-design-copy"),
    path("mine/<int:pk>/slet/", views.my_design_delete, name="my-design-delete"),
    path("kurv/<str:reference>/antal/", views.cart_group_quantity, name="cart-group-quantity"),
    path("kurv/<str:reference>/fjern/", views.cart_group_remove, name="cart-group-remove"),
]
