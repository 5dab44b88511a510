"""Markdown to safe HTML, done once when the source is set and stored beside it.

Rendering runs on a work budget (app/markdown_budget.py, docs/decisions/0042): a source that
would need more work than an ordinary text of its length, or nests too deeply, is refused by
``markdown_problem`` with what to change, and ``render_markdown`` shows it as plain text,
so that no caller, checked or not, can hold a worker or exhaust the stack.
"""

import html
import re
from dataclasses import dataclass

import nh3

from app.markdown_budget import MAX_NESTING, Meter, OverBudget, convert

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
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")

EXTENSIONS = ["tables", "fenced_code", "sane_lists", "toc"]
# The longest Markdown any field accepts (a case-study body); longer text is not rendered.
MAX_SOURCE = 200_000
# Work units (app/markdown_budget.py, WEIGHTS) a source may use: a floor, an allowance per
# character above what dense ordinary texts use (case studies about 18, a text of tables up
# to 40), and a ceiling that keeps the longest body's render well under a second
# (bench/RESULTS.md): an ordinary text is refused only beyond about 150,000 characters.
BUDGET_BASE = 300_000
BUDGET_PER_CHARACTER = 28
BUDGET_MAX = 3_000_000

# What a refused source should change, in the English of the importers' messages; the forms
# say it in the reader's language (app/forms.py, MARKDOWN_MESSAGES).
PROBLEMS = {
    "brackets": "too many square brackets without a partner, or nested too deeply: "
    "close each [ with ], or write \\[ for a bracket that is only text",
    "links": "too many links whose ( after [text] is not closed: close each with ), "
    "or write \\( for a parenthesis that is only text",
    "code": "too many backticks (`) or code fences (```) without a closing partner: "
    "close each one, or write \\` for a backtick that is only text",
    "html": "too many < that start an HTML tag, comment or declaration without its end (>, -->): "
    "write &lt; for a < that is only text",
    "nesting": f"lists, quotes or emphasis nested too deeply: at most {MAX_NESTING} levels",
    "lines": "too many headings, rules or table rows without a blank line between them: separate them with blank lines",
    "volume": "too much Markdown formatting for the length of the text: simplify it or split it",
    "characters": "too many &, < or symbols such as °, ½ or no-break spaces in one paragraph: "
    "split it into shorter paragraphs",
    "length": f"too long to be rendered: at most {MAX_SOURCE} characters",
}


# What the meter counted most (app/markdown_budget.py, WEIGHTS) -> the problem to name.
_PROBLEM_OF = {"brackets": "brackets", "links": "links", "code": "code", "fences": "code", "html": "html",
               "html_open": "html", "rows": "lines", "block_text": "lines", "nesting": "nesting",
               "characters": "characters"}  # fmt: skip


@dataclass(frozen=True)
class MarkdownProblem:
    """Why a source is refused: ``kind`` is a key of PROBLEMS."""

    kind: str

    def __str__(self):
        return PROBLEMS[self.kind]


def budget(length):
    """The work units a source of ``length`` characters may use."""
    return min(BUDGET_BASE + BUDGET_PER_CHARACTER * length, BUDGET_MAX)


def render_markdown(source):
    """Render Markdown and sanitise the result: no script, no event handler, no javascript: URL.

    A source that ``markdown_problem`` refuses is shown as plain text, never raised.
    """
    return _render(source)[0]


def markdown_problem(source):
    """The MarkdownProblem that keeps ``source`` from rendering within the budget, or None."""
    return _render(source)[1]


def _render(source):
    problem = None
    if len(source) > MAX_SOURCE:
        problem = MarkdownProblem("length")
    else:
        try:
            rendered = convert(source, Meter(budget(len(source))), EXTENSIONS, EXTENSION_CONFIGS)
        except OverBudget as over:
            problem = MarkdownProblem(_PROBLEM_OF.get(over.kind, "volume"))
    if problem is not None:
        return _plain_text(source), problem
    return sanitise(rendered), problem


def _plain_text(source):
    """The text without any Markdown: paragraphs at blank lines, line breaks kept.

    Escaped here and holding only <p> and <br>, it needs no sanitiser (which would be slow
    on the very texts that end up here)."""
    paragraphs = _BLANK_LINE.split(html.escape(source.replace("\r\n", "\n").strip()))
    return "\n".join("<p>" + _LINE_BREAK.sub("<br>\n", p.strip()) + "</p>" for p in paragraphs if p.strip())


def sanitise(rendered):
    """Keep only the allowed tags and attributes of rendered HTML, and safe link schemes."""
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )


def _keep_attribute(tag, attribute, value):
    # Heading ids come from the table-of-contents extension; any other id is dropped.
    if attribute == "id":
        return value if _SAFE_ID.match(value) else None
    return value


def _slugify_heading(value, separator):
    from app.slugs import slugify

    return ANCHOR_PREFIX + (slugify(value, max_length=80) or "isi")


EXTENSION_CONFIGS = {"toc": {"slugify": _slugify_heading}}
