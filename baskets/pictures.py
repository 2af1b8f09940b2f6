"""A gift basket's picture, composed from its products' images (issue 14).

Up to four product images are laid out in one square (one image whole; two side by side;
three as one tall and two small; four as 2 x 2). The picture is made once and kept in the
media storage under a name derived from the set of image files it shows, so every basket
with the same pictures shares one file, a basket whose products change gets a new one, and
no request after the first opens an image again.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from oscar.core.loading import get_model
from PIL import Image, ImageOps, UnidentifiedImageError

ProductImage = get_model("catalogue", "ProductImage")

logger = logging.getLogger(__name__)

SIZE = 640
GAP = 6
MAX_IMAGES = 4
BACKGROUND = "#f4efe6"
FOLDER = "giftbaskets/pictures"
# Bump when the layout changes: every basket then gets a freshly composed file.
LAYOUT_VERSION = "1"


@dataclass(frozen=True)
class BasketPicture:
    url: str
    name: str
    width: int = SIZE
    height: int = SIZE


def _tiles(count: int) -> list[tuple[int, int, int, int]]:
    """(left, top, width, height) of each image in the square."""
    half = (SIZE - GAP) // 2
    right = SIZE - half
    if count == 1:
        return [(0, 0, SIZE, SIZE)]
    if count == 2:
        return [(0, 0, half, SIZE), (right, 0, half, SIZE)]
    if count == 3:
        return [(0, 0, half, SIZE), (right, 0, half, half), (right, right, half, half)]
    return [(0, 0, half, half), (right, 0, half, half), (0, right, half, half), (right, right, half, half)]


def _image_names(products) -> list[str]:
    """The first image file of each product (variants fall back to their parent), at most four
    different files; products without an image are left out."""
    products = [product for product in products if product is not None]
    first: dict[int, str] = {}
    to_query: set[int] = set()
    for product in [*products, *(p.parent for p in products if p.parent_id)]:
        prefetched = getattr(product, "_prefetched_objects_cache", {}).get("images")
        if prefetched is None:
            to_query.add(product.pk)
            continue
        images = sorted(prefetched, key=lambda image: (image.display_order, image.pk))
        if images and images[0].original:
            first[product.pk] = images[0].original.name
    if to_query:  # the cart prefetches images (marketplace/layout); the rest in one query
        for product_id, name in (
            ProductImage.objects.filter(product_id__in=to_query)
            .order_by("product_id", "display_order", "pk")
            .values_list("product_id", "original")
        ):
            if name:
                first.setdefault(product_id, name)
    names: list[str] = []
    for product in products:
        name = first.get(product.pk) or first.get(product.parent_id)
        if name and name not in names:
            names.append(name)
    return names[:MAX_IMAGES]


def _picture_name(image_names: list[str]) -> str:
    key = "\n".join([LAYOUT_VERSION, *sorted(image_names)])
    return f"{FOLDER}/{hashlib.sha256(key.encode()).hexdigest()[:32]}.jpg"


def _compose(image_names: list[str]) -> bytes | None:
    images = []
    for name in sorted(image_names):
        try:
            with default_storage.open(name, "rb") as handle:
                image = Image.open(handle)
                image.load()
            images.append(ImageOps.exif_transpose(image).convert("RGB"))
        except (OSError, UnidentifiedImageError):
            logger.warning("gift-basket picture: product image %s cannot be read", name)
    if not images:
        return None
    canvas = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    for image, (left, top, width, height) in zip(images, _tiles(len(images)), strict=False):
        canvas.paste(ImageOps.fit(image, (width, height), Image.Resampling.LANCZOS), (left, top))
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    return buffer.getvalue()


def basket_picture(*, products) -> BasketPicture | None:
    """The composed picture of a basket holding these products; None when none has an image."""
    image_names = _image_names(products)
    if not image_names:
        return None
    name = _picture_name(image_names)
    try:
        if not default_storage.exists(name):
            content = _compose(image_names)
            if content is None:
                return None
            saved = default_storage.save(name, ContentFile(content))
            if saved != name:  # another request composed it at the same moment: keep one file
                default_storage.delete(saved)
    except OSError:
        # A full or read-only media disk costs the basket its picture, not the page.
        logger.exception("gift-basket picture %s could not be stored", name)
        return None
    return BasketPicture(url=default_storage.url(name), name=name)
