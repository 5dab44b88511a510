"""Markdown to safe HTML, done once when the source is set and stored beside it."""

import re

import markdown
import nh3

# Bump when the rendering or the sanitiser's rules change: stored HTML is then stale and a
# re-import renders every file again.
RENDERER_VERSION = "1"

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "caption",
    "a", "em", "strong", "code", "pre", "sub", "sup", "abbr", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    **{h: {"id"} for h in ("h2", "h3", "h4", "h5", "h6")},
}
# Heading anchors carry a prefix that no element of the page layout uses, so that an id
# written in a case study's raw HTML cannot shadow one (``id="main"``).
ANCHOR_PREFIX = "bagian-"
_SAFE_ID = re.compile(r"^bagian-[a-z0-9-]{1,80}$")


def _keep_attribute(tag, attribute, value):
    # Heading ids come from the table-of-contents extension; any other id is dropped.
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    return value


def render_markdown(source):
    """Render Markdown and sanitise the result: no script, no event handler, no javascript: URL."""
    html = markdown.markdown(
        source,
        extensions=["tables", "fenced_code", "sane_lists", "toc"],
        extension_configs={"toc": {"slugify": _slugify_heading}},
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def _slugify_heading(value, separator):
    from app.slugs import slugify

    return ANCHOR_PREFIX + (slugify(value, max_length=80) or "isi")
