"""Markdown within a budget (docs/decisions/0042), as properties: whatever is typed, up to a
field's limit, render_markdown returns quickly and never raises; what it cannot render
within the budget, markdown_problem refuses with a message; the output is always sanitised
and always the same; and what is accepted renders exactly as Python-Markdown renders it."""

import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.content import files
from app.content.schema import MAX_BODY
from app.forms import MARKDOWN_MESSAGES
from app.markdown_budget import Meter, convert
from app.networks.forms import MAX_REPORT
from app.rendering import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    EXTENSION_CONFIGS,
    EXTENSIONS,
    PROBLEMS,
    budget,
    markdown_problem,
    render_markdown,
    sanitise,
)

ROOT = Path(__file__).resolve().parents[1]
# Generous: the figures of bench/RESULTS.md are several times lower, but CI machines are busy.
SLOW = 2.0

# Markdown's special characters and the openers that make it read far ahead, some hostile
# HTML, and plain words; long runs of any of them are what made rendering superlinear.
PIECES = [
    "[", "]", "(", ")", "!", "![", "](", "[a](", "[a][", "[a]", "[a]: http://x", "*", "**", "_", "__", "`", "```",
    "~~~", "<", ">", "</", "<a ", "<b>", "</b>", "<div>", "<!--", "-->", "<![CDATA[", "<?", "&", "&amp;", "\\",
    "-", "- ", "* ", "+ ", "#", "# ", "|", "|-|", "1. ", "2) ", "> ", "    ", "  ", " ", "\t", "\n", "\n\n", "'",
    '"', "=", ":", "---", "===", "a", "kata ", "http://x.id", "a@b.id", "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>', "[x](javascript:alert(1))",
    "°", "½", "\xa0", "\xad", "\x85", "&lt;", "é",
]  # fmt: skip
piece = st.sampled_from(PIECES) | st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=3
)
run = st.builds(lambda text, times: text * times, piece, st.integers(1, 3000))


def texts(limit):
    """Markdown up to ``limit`` characters: pieces, long runs of them, and one short pattern
    repeated to fill the field."""
    mixed = st.lists(piece | run, max_size=25).map("".join)
    unit = st.lists(piece, min_size=1, max_size=5).map("".join)
    filled = st.builds(lambda u, share: u * (int(limit * share) // len(u) + 1), unit, st.floats(0.05, 1.0))
    return (mixed | filled).map(lambda text: text[:limit])


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))


def assert_sanitised(html):
    """Only the allowed tags and attributes, no event handler, links only to http(s) and mailto."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.seen:
        assert tag in ALLOWED_TAGS, tag
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert ":" not in href.split("/")[0] or href.startswith(("http:", "https:", "mailto:")), href
    assert "<script" not in html.lower()


def timed(function, source):
    start = time.perf_counter()
    result = function(source)
    return result, time.perf_counter() - start


def before_the_budget(source):
    """Python-Markdown and the sanitiser as they were called before the budget."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="html")
    return sanitise(md.convert(source))


def check_any(source):
    """Renders in time and never raises; a refusal has its message and shows plain text; the
    output is sanitised and the same every time; what is accepted is Python-Markdown's own."""
    html, seconds = timed(render_markdown, source)
    assert seconds < SLOW, (seconds, len(source), source[:80])
    problem, seconds = timed(markdown_problem, source)
    assert seconds < SLOW, (seconds, len(source), source[:80])
    if problem is None:
        assert html == before_the_budget(source)
    else:
        assert problem.kind in PROBLEMS and str(MARKDOWN_MESSAGES[problem.kind]) and str(problem)
        assert {tag for tag, _ in _parsed(html)} <= {"p", "br"}
    assert_sanitised(html)
    assert render_markdown(source) == html


def _parsed(html):
    parser = _Tags()
    parser.feed(html)
    return parser.seen


# Each example renders three or four times, some at a field's limit: fewer examples than the
# profile's keep this file fast, and HYPOTHESIS_PROFILE=hunt still runs hundreds.
@settings(max_examples=max(20, settings.default.max_examples // 2), suppress_health_check=[HealthCheck.too_slow])
@given(texts(MAX_REPORT))
@example("[" * MAX_REPORT)
@example("- " * 300 + "a")
def test_any_text_up_to_a_report_renders_quickly_or_is_refused_and_never_raises(source):
    check_any(source)


@settings(max_examples=max(3, settings.default.max_examples // 20), suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(piece, min_size=1, max_size=4).map("".join))
@example("[")
def test_a_case_study_body_filled_to_its_limit_renders_quickly_or_is_refused(unit):
    check_any((unit * (MAX_BODY // len(unit) + 1))[:MAX_BODY])


def _project_texts():
    case_studies = [files.read(path)[0].body for path in sorted((ROOT / "content/innovations").glob("*.md"))]
    networks = [files.read(path)[0].body for path in sorted((ROOT / "content/networks").glob("*.md"))]
    return case_studies + networks


def test_the_projects_texts_render_as_before_well_within_their_budget():
    texts_ = _project_texts()
    assert len(texts_) >= 43
    for text in texts_:
        meter = Meter(budget(len(text)))
        convert(text, meter, EXTENSIONS, EXTENSION_CONFIGS)
        assert meter.left > budget(len(text)) / 2, "an ordinary text should use under half its budget"
        assert markdown_problem(text) is None
        assert render_markdown(text) == before_the_budget(text)


NESTED_300 = "- " * 300 + "a\n"
INDENTED_300 = "".join("    " * depth + "- a\n" for depth in range(300))

# The cases of issue 13, and the families bench/markdown.py measures: (text, the problem named)
REPORTED = {
    "brackets-8000": ("[" * 8000, "brackets"),
    "brackets-20000": ("[" * 20_000, "brackets"),
    "images-1000": ("![" * 1000, "brackets"),
    "links-1000": ("[a](" * 1000, "links"),
    "tags-2000": ("<a " * 2000, "html"),
    "list-nested-300-in-a-line": (NESTED_300, "nesting"),
    "list-nested-300-indented": (INDENTED_300, "nesting"),
    "ordered-list-nested-300": ("1. " * 300 + "a\n", "nesting"),
    "strong-nested-2000": ("**a " * 2000 + "b**" * 2000, "nesting"),
    "headings-without-blank-lines": ("# a\n" * 5000, "lines"),
    "unclosed-fences": ("```a\n" * 4000, "code"),
    "backtick-ladder": ("".join("`" * k + "a" for k in range(1, 200)), "code"),
}


@pytest.mark.parametrize(("text", "kind"), REPORTED.values(), ids=REPORTED.keys())
def test_the_reported_inputs_are_refused_quickly_with_what_to_change(text, kind):
    problem, seconds = timed(markdown_problem, text)
    assert seconds < SLOW
    assert problem is not None and problem.kind == kind
    html, seconds = timed(render_markdown, text)
    assert seconds < SLOW
    assert html.startswith("<p>") and {tag for tag, _ in _parsed(html)} <= {"p", "br"}


def test_longer_than_any_field_is_not_rendered():
    text = "kata " * (MAX_BODY // 5 + 1)
    assert markdown_problem(text).kind == "length"
    assert render_markdown(text).startswith("<p>kata kata")
