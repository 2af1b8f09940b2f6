"""Vendor-written HTML (product descriptions) reduced to a small allow-list with nh3.

Vendors type descriptions in the dashboard, import them from CSV/XLSX, and staff
edit them in the admin; all of it is served on public product pages. Every path
that stores a description calls `vendor_html_clean`, and the product page cleans
again when it renders, so a row stored before this rule still cannot run script.
"""

import html

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def vendor_html_clean(value: str) -> str:
    """Keep simple formatting and links; drop scripts, event handlers, styles and javascript: URLs."""
    if not value:
        return value or ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def vendor_text_clean(value: str) -> str:
    """Plain text (a title): any markup is removed, the text itself is kept unescaped."""
    if not value:
        return value or ""
    return html.unescape(nh3.clean(value, tags=set())).strip()
