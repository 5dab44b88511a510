"""Python-Markdown on a work budget (docs/decisions/0042-markdown-within-a-budget.md).

Some inputs make Python-Markdown's work grow faster than the text: each unmatched ``[``
scans to the end of its paragraph, each unclosed ``<b `` makes the HTML parser scan to
the end of the document, a list nested a few hundred levels deep exhausts Python's stack.
How much a ``[`` costs depends on where Python-Markdown's paragraphs, list items, table
cells and code spans begin and end, which only Python-Markdown knows; so instead of
guessing from the source, a meter is charged inside the library, where that work is done,
and rendering stops (``OverBudget``) once the budget is spent or the nesting is too deep.
The meter counts work, not time, so the same source is always accepted or refused alike.

The meter hooks into one Markdown instance, made for one render, through the extension
API: each processor's method is wrapped on that instance (nothing global is patched), and
the HTML-block preprocessor is replaced by one whose parser reports its scans.
"""

import re

import markdown
from markdown.extensions import Extension
from markdown.htmlparser import HTMLExtractor
from markdown.preprocessors import HtmlBlockPreprocessor
from markdown.treeprocessors import Treeprocessor

# Levels of lists and block quotes one inside another. The parser recurses twice a level for
# indented lists, once for quotes and for lists opened on one line ("- - a").
MAX_NESTING = 10
_MAX_PARSE_DEPTH = 2 * MAX_NESTING + 1
# Depth of the finished tree (nested lists take two levels each, emphasis one): the table of
# contents, the serializer and the sanitiser walk it recursively.
MAX_TREE_DEPTH = 2 * MAX_NESTING + 24

# Work units (about a tenth of a microsecond each on the machine of bench/RESULTS.md) per thing counted, by
# what is counted; calibrated with bench/markdown.py so that a unit takes about the same
# time whatever the construct.
WEIGHTS = {
    # Characters read by a scan that can reach the end of its text.
    "brackets": 3,  # from a "[" to its "]"
    "links": 4,  # from a link's "(" to its ")"
    "code": 3,  # from a run of backticks to its partner
    "emphasis": 1,  # from a * or _ to the next one
    "fences": 1,  # from a code fence to its closing fence
    "html": 2,  # from a "<" to the end of its tag, comment or declaration
    "rows": 5,  # lines of a block split by the table test, again for each line cut off its front
    "block_text": 1 / 4,  # characters of a block searched by the block processors' tests
    "rebuild": 1 / 32,  # characters of a text copied when an inline pattern replaces a match
    # Things made or tried.
    "block": 250,  # a block offered to the block processors
    "block_run": 100,
    "element": 600,  # an element whose text goes through the inline patterns
    "heading": 1800,  # and, for a heading, its anchor
    "match": 900,  # an element made by an inline pattern
    "pattern": 120,  # an inline pattern tried at a position
    "delimiter": 100,  # a * or _ paired by the emphasis processor
    "html_open": 600,  # a "<" met by the HTML-block parser
    "entity": 150,  # a "&" met by the HTML-block parser
    # The sanitiser (html5ever, in nh3) slows down with each "&" (a character reference) or
    # character between U+0080 and U+00BF (°, ½, no-break space) in proportion to the text
    # around it: such characters × the length of the text between two tags.
    "characters": 1 / 1024,
}

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_TICKS = re.compile("`+")
_FENCE_LINE = re.compile(r"^(?P<fence>~{3,}|`{3,})(?P<info>.*)$", re.MULTILINE)
_PLAIN_INFO = re.compile(r"[ ]*\.?[\w#.+-]*[ ]*")
_SLOW_TO_SANITISE = re.compile("[&\x80-\xbf]")


class OverBudget(Exception):
    """Rendering stopped; ``kind`` names the construct that cost the most (or ``nesting``)."""

    def __init__(self, kind):
        super().__init__(kind)
        self.kind = kind


class Meter:
    """Work left for one render, and how much of each thing (a key of WEIGHTS) it counted."""

    def __init__(self, budget):
        self.left = budget
        self.counts = dict.fromkeys(WEIGHTS, 0)

    def spend(self, kind, count):
        """Count ``count`` more of ``kind``; raises OverBudget, naming the kind that cost the
        most, when no work is left."""
        self.counts[kind] += count
        self.left -= count * WEIGHTS[kind]
        if self.left < 0:
            raise OverBudget(max(self.counts, key=lambda name: self.counts[name] * WEIGHTS[name]))


def convert(source, meter, extensions, extension_configs):
    """Render ``source`` with Python-Markdown, charging ``meter``; raises OverBudget."""
    md = markdown.Markdown(
        extensions=[*extensions, _BudgetExtension(meter)],
        extension_configs=extension_configs,
        output_format="html",
    )
    html = md.convert(source)
    meter.spend("characters", _sanitiser_work(html))
    return html


def _after(obj, name, charge):
    """Wrap ``obj.name`` (on this instance only) so that ``charge(result, *args)`` follows each call."""
    method = getattr(obj, name)

    def metered(*args):
        result = method(*args)
        charge(result, *args)
        return result

    setattr(obj, name, metered)


class _BudgetExtension(Extension):
    """Listed last, so that it sees every processor the other extensions registered."""

    def __init__(self, meter):
        super().__init__()
        self.meter = meter

    def extendMarkdown(self, md):
        meter = self.meter
        md.preprocessors.register(_HtmlBlocks(md, meter), "html_block", 20)
        if "fenced_code_block" in md.preprocessors:
            fences = md.preprocessors["fenced_code_block"]
            fences.run = _charged_first(fences.run, lambda lines: _charge_fences(meter, lines))
        _meter_blocks(md, meter)
        _meter_inline(md, meter)
        md.treeprocessors.register(_ChargeElements(md, meter), "budget_elements", 21)
        md.treeprocessors.register(_LimitDepth(md), "budget_depth", 19)


def _charged_first(method, charge):
    def metered(*args):
        charge(*args)
        return method(*args)

    return metered


def _meter_blocks(md, meter):
    parser = md.parser
    processors = list(parser.blockprocessors)
    # The parser offers each block to the processors in order, so the first one's test is
    # called once per block: charged there for all of them. The tests search the whole block
    # (the table's splits it into rows in Python), and a block is offered again each time a
    # heading or a rule is cut off its front: a block of many such lines costs lines × length.
    processors[0].test = _charged_first(processors[0].test, lambda parent, block: _charge_block(meter, block))
    for processor in processors:
        processor.run = _charged_first(processor.run, lambda parent, blocks: meter.spend("block_run", 1))

    parse_blocks = parser.parseBlocks
    depth = 0

    def nested_parse(parent, blocks):
        nonlocal depth
        depth += 1
        try:
            if depth > _MAX_PARSE_DEPTH:
                raise OverBudget("nesting")
            return parse_blocks(parent, blocks)
        finally:
            depth -= 1

    parser.parseBlocks = nested_parse


def _meter_inline(md, meter):
    def charge_match(result, m, data):
        _charge_match(meter, result[0], data)

    def charge_text(result, data, index):
        # getText reads from the "[" to its matching "]", or to the end of the text.
        meter.spend("brackets", result[1] - index)

    def charge_link(result, data, index):
        meter.spend("links", _link_scan(result, data, index))

    def charge_code(result, start, text):
        meter.spend("code", _code_scan(result, start, text))

    def charge_delimiter(result, data, start):
        # The emphasis processor reads on, a character at a time, to the next * or _, and
        # pairs all of a paragraph's nested ones in one call.
        meter.spend("emphasis", (result.end() if result else len(data)) - start)
        meter.spend("delimiter", 1)

    for processor in list(md.inlinePatterns):
        _after(processor, "handleMatch", charge_match)
        for name, charge in (
            ("getText", charge_text),
            ("getLink", charge_link),
            ("find_code_spans", charge_code),
            ("search", charge_delimiter),
        ):
            if hasattr(processor, name):
                _after(processor, name, charge)


def _charge_block(meter, block):
    meter.spend("block", 1)
    meter.spend("block_text", len(block))
    meter.spend("rows", block.count("\n") + 1)


def _charge_match(meter, node, data):
    meter.spend("pattern", 1)
    if node is not None:
        meter.spend("rebuild", len(data))
        meter.spend("match", 1 if isinstance(node, str) else _size_within_depth(node))


def _size_within_depth(root):
    """The number of elements under ``root``; raises OverBudget when they nest too deeply
    (emphasis inside emphasis), before the recursive steps that follow meet them."""
    size, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise OverBudget("nesting")
        size += 1
        stack.extend((child, depth + 1) for child in element)
    return size


def _link_scan(result, data, index):
    """How far getLink read: to the ")" closing the destination, or, when it had to look for
    the end of a quoted title, possibly to the end of the text."""
    _href, _title, end, handled = result
    if not data.startswith("(", index):
        return 0
    if not handled or "'" in data[index:end] or '"' in data[index:end]:
        return len(data) - index
    return end - index


def _code_scan(result, start, text):
    """How far find_code_spans read: to the closing run of backticks when one of the same
    length was found, otherwise to the end of the text."""
    content_start, end = result
    ticks = _TICKS.match(text, start)
    ticks = ticks.end() - start if ticks else 0
    if end is None or content_start != start + ticks:
        return len(text) - start
    return end + ticks - start


def _charge_fences(meter, lines):
    """What the fenced-code preprocessor will do: search, and copy the whole text once per
    block it takes out."""
    text = "\n".join(lines)
    unclosed, blocks = _fence_scan(text)
    meter.spend("fences", unclosed)
    meter.spend("rebuild", blocks * len(text))


def _fence_scan(text):
    """``(characters read, blocks found)`` by the fenced-code search: an opening fence with
    no closing fence after it makes the search read to the end of the text."""
    fences = [(m.start(), m.group("fence"), m.group("info")) for m in _FENCE_LINE.finditer(text)]
    closers = {}
    for number, (_start, fence, info) in enumerate(fences):
        if not info.strip(" "):
            closers[fence] = number
    cost, blocks, number = 0, 0, 0
    while number < len(fences):
        start, fence, info = fences[number]
        # Only a plain opening fence is sure to end at its closing fence; one with attributes
        # or highlighted lines may be read further.
        if _PLAIN_INFO.fullmatch(info) and closers.get(fence, -1) > number:
            # The block runs to the first closing fence: the fences inside it are code.
            number += 1
            while fences[number][1] != fence or fences[number][2].strip(" "):
                number += 1
            blocks += 1
        else:
            cost += len(text) - start
        number += 1
    return cost, blocks


def _sanitiser_work(html):
    """Characters that slow the sanitiser down × the length of the text (or tag) they are in."""
    work = 0
    for piece in html.split("<"):
        slow = len(_SLOW_TO_SANITISE.findall(piece))
        work += slow * len(piece)
    return work


class _ChargeElements(Treeprocessor):
    """Before the inline patterns run: each element costs its pattern passes, anchors and output."""

    def __init__(self, md, meter):
        super().__init__(md)
        self.meter = meter

    def run(self, root):
        for element in root.iter():
            self.meter.spend("heading" if element.tag in _HEADINGS else "element", 1)


class _LimitDepth(Treeprocessor):
    """After the inline patterns: the later steps walk the tree recursively."""

    def run(self, root):
        _size_within_depth(root)


class _HtmlBlocks(HtmlBlockPreprocessor):
    """Python-Markdown's HTML-block preprocessor (its ``run`` is these four lines) with a
    parser that reports what it reads."""

    def __init__(self, md, meter):
        super().__init__(md)
        self.meter = meter

    def run(self, lines):
        source = "\n".join(lines)
        self.meter.spend("html_open", source.count("<"))
        self.meter.spend("entity", source.count("&"))
        parser = _MeteredExtractor(self.md, self.meter)
        parser.feed(source)
        parser.close()
        return "".join(parser.cleandoc).split("\n")


def _scanning(name):
    """A parse method of the HTML parser, charged with what it read: up to where it stopped
    when it found its end, to the end of the document when it gave up."""

    def parse(self, i, *args):
        end = getattr(super(_MeteredExtractor, self), name)(i, *args)
        # Gave up (-1) or took the "<" as text: how far it looked is unknown, so assume all of it.
        self.meter.spend("html", end - i if end > i + 2 else len(self.rawdata) - i)
        return end

    return parse


class _MeteredExtractor(HTMLExtractor):
    """Python-Markdown's HTML extractor, charging the meter for each scan that can run far."""

    def __init__(self, md, meter):
        self.meter = meter
        super().__init__(md)

    parse_starttag = _scanning("parse_starttag")
    parse_endtag = _scanning("parse_endtag")
    parse_comment = _scanning("parse_comment")
    parse_pi = _scanning("parse_pi")
    parse_html_declaration = _scanning("parse_html_declaration")
    parse_bogus_comment = _scanning("parse_bogus_comment")

    def _rest(self):
        return len(self.rawdata) - (self.line_offset + self.offset)

    def handle_endtag(self, tag):
        # The end of a raw block copies the rest of the document to look for a blank line.
        self.meter.spend("rebuild", self._rest())
        super().handle_endtag(tag)

    def handle_empty_tag(self, data, is_block):
        self.meter.spend("rebuild", self._rest())
        super().handle_empty_tag(data, is_block)

    def inline_close_follows(self, text):
        # A comment inside an open inline tag: the rest of its paragraph is searched once per open tag.
        self.meter.spend("html", self._rest() * (1 + len(self.inline_stack)) // 8)
        return super().inline_close_follows(text)
