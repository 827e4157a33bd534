"""Article bodies: Markdown source → messages (segments) and → HTML.

An article is segmented into one message per block (heading, paragraph, list
item paragraph, quote paragraph, table cell, footnote paragraph, picture alt
text and caption). Rendering parses the *source* document for its block
structure and swaps each block's inline text for its translation before the
inline pass, so every edition has exactly the source's structure, and a
translation equal to its msgid renders exactly the source HTML.

Two markdown-it instances are used: ``_checker`` (raw HTML on) only to find
raw HTML and report it; ``_md`` (raw HTML off) for everything else, so any
HTML that slips into a translation is escaped as text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .model import Segment

#: translate(kind, text) → translation, or None to keep the source text.
Translate = Callable[[str, str], "str | None"]
#: resolve_image(src) → URL to put in the page, or None to drop the picture.
ResolveImage = Callable[[str], "str | None"]


def _make(html_on: bool, typographer: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html_on, "typographer": typographer}).enable("table")
    if typographer:
        md.enable(["replacements", "smartquotes"])  # real quotes and dashes in the editions
    md.use(footnote_plugin, inline=False)
    return md


_checker = _make(True)
_md = _make(False)
_typographer = _make(False, typographer=True)


def has_letters(text: str) -> bool:
    """A block is a message only if it has letters (not just numbers or punctuation)."""
    return any(ch.isalpha() for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


_HARD_BREAK = re.compile(r"(?:\\| {2,})$")


def normalize_inline(content: str) -> str:
    """Join soft line breaks into one line: a space between words, nothing between CJK.

    Hard breaks (two trailing spaces or a backslash) stay as newlines.
    """
    if "\n" not in content:
        return content
    lines = content.split("\n")
    out = lines[0]
    for line in lines[1:]:
        if _HARD_BREAK.search(out):
            out = out + "\n" + line
            continue
        out = out.rstrip(" ")
        line = line.lstrip(" ")
        if out and line and _wide(out[-1]) and _wide(line[0]):
            out += line
        else:
            out += " " + line
    return out


# --- finding problems ---------------------------------------------------------


@dataclass(frozen=True)
class RawHtml:
    line: int  # 0-based within the text
    snippet: str


def find_raw_html(text: str, inline_only: bool = False) -> list[RawHtml]:
    """Every raw HTML block or inline tag in ``text`` (a body, or one message)."""
    if "<" not in text:
        return []  # the common case, without parsing
    env: dict = {}
    if inline_only:
        tokens: list[Token] = []
        _checker.inline.parse(text, _checker, env, tokens)
        return [RawHtml(0, t.content.strip()) for t in tokens if t.type == "html_inline"]
    found = []
    for token in _checker.parse(text, env):
        if token.type == "html_block":
            found.append(RawHtml(token.map[0] if token.map else 0, token.content.strip()))
        elif token.type == "inline":
            for child in token.children or []:
                if child.type == "html_inline":
                    found.append(RawHtml(token.map[0] if token.map else 0, child.content.strip()))
    return found


# --- segmentation and translation --------------------------------------------


@dataclass
class Figure:
    alt: str
    caption: str
    src: str


def _lone_image(content: str) -> Figure | None:
    """The picture if ``content`` (a paragraph's inline text) is one picture alone."""
    if not content.startswith("!["):
        return None
    tokens: list[Token] = []
    _md.inline.parse(content, _md, {"footnotes": {"refs": {}, "list": {}}}, tokens)
    if len(tokens) != 1 or tokens[0].type != "image":
        return None
    image = tokens[0]
    return Figure(alt=image.content, caption=str(image.attrGet("title") or ""), src=str(image.attrGet("src")))


def _block_kind(tokens: list[Token], index: int, stack: list[str]) -> str:
    opener = tokens[index - 1].type if index else ""
    if opener == "heading_open":
        return "heading"
    if opener in ("th_open", "td_open"):
        return "table cell"
    if "footnote_reference_open" in stack:
        return "footnote"
    if "blockquote_open" in stack:
        return "quote"
    if "list_item_open" in stack:
        return "list item"
    return "paragraph"


@dataclass
class _Job:
    """What the core rule does for one parse: collect segments, translate, mark."""

    translate: Translate | None
    source_lang_tag: str | None
    segments: list[Segment] = field(default_factory=list)
    fallbacks: list[Segment] = field(default_factory=list)
    line_offset: int = 0


def _segment_rule(state: StateCore) -> None:
    """Core rule between 'block' and 'inline': the block structure is known, inline text not yet parsed."""
    job: _Job | None = state.env.get("diglot")
    if job is None:
        return
    tokens = state.tokens
    stack: list[str] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(token.type)
        elif token.nesting == -1:
            stack.pop()
        if token.type != "inline":
            continue
        line = job.line_offset + (token.map[0] + 1 if token.map else 1)
        token.content = normalize_inline(token.content)
        kind = _block_kind(tokens, index, stack)
        figure = _lone_image(token.content) if kind == "paragraph" else None
        if figure is not None:
            before, missed = len(job.segments), len(job.fallbacks)
            token.meta["figure"] = _translate_figure(job, figure, line, tokens[index - 1])
            token.meta["segments"] = job.segments[before:]
            token.meta["fallbacks"] = job.fallbacks[missed:]
            continue
        if not has_letters(token.content):
            continue
        segment = Segment(kind, token.content, line)
        job.segments.append(segment)
        token.meta["segments"] = [segment]
        if job.translate is None:
            continue
        translated = job.translate(kind, token.content)
        if translated is None:
            job.fallbacks.append(segment)
            token.meta["fallbacks"] = [segment]
            _mark_fallback(tokens, index, job.source_lang_tag)
        else:
            token.content = translated


def _translate_figure(job: _Job, figure: Figure, line: int, opener: Token) -> dict:
    result = {"alt": figure.alt, "caption": figure.caption, "fallback": False}
    for key, kind in (("alt", "alt text"), ("caption", "caption")):
        text = result[key]
        if not has_letters(text):
            continue
        segment = Segment(kind, text, line)
        job.segments.append(segment)
        if job.translate is None:
            continue
        translated = job.translate(kind, text)
        if translated is None:
            job.fallbacks.append(segment)
            result["fallback"] = True
        else:
            result[key] = translated
    if result["fallback"] and job.source_lang_tag:
        opener.attrSet("lang", job.source_lang_tag)
        opener.attrJoin("class", "untranslated")
    return result


def _mark_fallback(tokens: list[Token], index: int, lang_tag: str | None) -> None:
    """Mark the element holding untranslated text, so drafts show it and readers' tools know its language."""
    opener = tokens[index - 1]
    if opener.hidden:  # a paragraph of a tight list: mark the list item
        for candidate in reversed(tokens[: index - 1]):
            if candidate.type == "list_item_open":
                opener = candidate
                break
    opener.attrJoin("class", "untranslated")
    if lang_tag:
        opener.attrSet("lang", lang_tag)


def _figure_rule(state: StateCore) -> None:
    """Core rule after 'inline': turn lone-picture paragraphs into figures with translated alt text."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        figure = token.meta.get("figure") if token.type == "inline" else None
        if not figure:
            continue
        image = token.children[0]
        image.content = figure["alt"]
        image.children = []
        state.md.inline.parse(figure["alt"], state.md, state.env, image.children)
        image.attrs.pop("title", None)
        tokens[index - 1].type = "figure_open"
        tokens[index + 1].type = "figure_close"
        tokens[index + 1].meta["caption"] = figure["caption"]


for _instance in (_md, _typographer):
    _instance.core.ruler.after("block", "diglot_segment", _segment_rule)
    _instance.core.ruler.after("inline", "diglot_figure", _figure_rule)

# Segmentation needs the block structure only: no inline pass (a third of the time).
_segmenter = _make(False)
_segmenter.core.ruler.after("block", "diglot_segment", _segment_rule)
_segmenter.core.ruler.disable(["inline", "text_join", "footnote_tail"])


# --- rendering -----------------------------------------------------------------


def _render_figure_open(self, tokens, idx, options, env) -> str:
    return "<figure" + self.renderAttrs(tokens[idx]) + ">\n"


def _render_figure_close(self, tokens, idx, options, env) -> str:
    caption = tokens[idx].meta.get("caption", "")
    if not caption:
        return "\n</figure>\n"
    md = _typographer if options.get("typographer") else _md
    return f"\n<figcaption>{md.renderInline(caption)}</figcaption>\n</figure>\n"


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    resolve: ResolveImage | None = env.get("resolve_image")
    src = str(token.attrGet("src") or "")
    url = resolve(unquote(src)) if resolve else src
    alt = self.renderInlineAsText(token.children or [], options, env)
    if url is None:
        return html.escape(alt)
    attrs = f' src="{html.escape(url)}" alt="{html.escape(alt)}"'
    title = token.attrGet("title")
    if title:
        attrs += f' title="{html.escape(str(title))}"'
    return f"<img{attrs} />"


def _render_footnote_ref_print(self, tokens, idx, options, env) -> str:
    """Print mode: the note's text goes where it is referenced, for CSS ``float: footnote``."""
    meta = tokens[idx].meta
    if meta.get("subId", 0) > 0:
        return ""  # a second reference to the same note prints it once
    note = env["print_notes"].get(meta["id"], "")
    footnote: FootnoteRef | None = env.get("footnote")
    if footnote is not None:
        return footnote(meta["label"], note)
    return f'<span class="footnote">{note}</span>'


def _skip(self, tokens, idx, options, env) -> str:
    return ""


for _instance in (_md, _typographer):
    _instance.add_render_rule("figure_open", _render_figure_open)
    _instance.add_render_rule("figure_close", _render_figure_close)
    _instance.add_render_rule("image", _render_image)



@dataclass
class Block:
    """One block of a rendered article: what the parallel edition pairs with its translation.

    ``kind`` is heading, paragraph, list item, quote, figure, table, code,
    rule or footnote (web mode; in print mode notes stay in the block that
    calls them). Every edition of an article has the same blocks in the same
    order, since translations only replace inline text.
    """

    kind: str
    line: int  # the block's first line in the article file
    html: str
    segments: list[Segment]
    fallbacks: list[Segment]
    label: str = ""  # a footnote's label
    number: int = 0  # a footnote's number in this language's edition


@dataclass
class Rendered:
    html: str
    segments: list[Segment]
    fallbacks: list[Segment]
    blocks: list[Block] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)  # print mode: each note's inline HTML by label


#: footnote(label, note_html) → the HTML put at the note's first reference (print mode).
FootnoteRef = Callable[[str, str], str]


def segments(body: str, line_offset: int = 0) -> list[Segment]:
    """The messages of an article body, in document order."""
    job = _Job(translate=None, source_lang_tag=None, line_offset=line_offset)
    _segmenter.parse(body, {"diglot": job})
    return job.segments


def render(
    body: str,
    *,
    translate: Translate | None = None,
    source_lang_tag: str | None = None,
    resolve_image: ResolveImage | None = None,
    mode: str = "web",
    line_offset: int = 0,
    id_prefix: str = "",
    typographer: bool = False,
    blocks: bool = False,
    footnote: FootnoteRef | None = None,
    source_rel: str | None = None,
) -> Rendered:
    """Render an article body to HTML, each block replaced by its translation.

    ``mode`` is ``web`` (footnotes at the end, with back-links) or ``print``
    (each note's text at its reference, for WeasyPrint footnotes, made by
    ``footnote`` when given). With ``blocks``, the result lists each block
    rendered on its own (lists and quotes split into their items) instead of
    the whole HTML. In print mode, ``source_rel`` (the article file) marks
    each block with ``data-source="<source_rel>:<line>"``, so that what
    preflight finds in the laid-out pages is located in the source.
    """
    job = _Job(translate=translate, source_lang_tag=source_lang_tag, line_offset=line_offset)
    env: dict = {"diglot": job, "resolve_image": resolve_image, "footnote": footnote}
    if id_prefix:
        env["docId"] = id_prefix
    md = _typographer if typographer else _md
    tokens = md.parse(body, env)
    if mode == "print" and source_rel:
        _mark_sources(tokens, source_rel, line_offset)
    notes: dict[str, str] = {}
    rules = md.renderer.rules
    saved = rules.get("footnote_ref")
    if mode == "print":
        tokens, env["print_notes"], labels = _pull_footnotes(md, tokens, env)
        notes = {labels[key]: value for key, value in env["print_notes"].items()}
        rules["footnote_ref"] = _render_footnote_ref_print.__get__(md.renderer)
    try:
        if not blocks:
            return Rendered(md.renderer.render(tokens, md.options, env), job.segments, job.fallbacks, notes=notes)
        parts = []
        for kind, part in _split_blocks(tokens):
            inline = [t for t in part if t.type == "inline"]
            first = next((t for t in inline if t.map), None) or next((t for t in part if t.map), None)
            parts.append(
                Block(
                    kind=kind,
                    line=line_offset + (first.map[0] + 1 if first else 1),
                    html=md.renderer.render(part, md.options, env),
                    segments=[s for t in inline for s in t.meta.get("segments", [])],
                    fallbacks=[s for t in inline for s in t.meta.get("fallbacks", [])],
                    label=str(part[0].meta.get("label") or "") if kind == "footnote" else "",
                    number=part[0].meta["id"] + 1 if kind == "footnote" else 0,
                )
            )
        return Rendered("", job.segments, job.fallbacks, parts, notes)
    finally:
        rules["footnote_ref"] = saved


_KINDS = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "figure_open": "figure",
    "table_open": "table",
    "fence": "code",
    "code_block": "code",
    "hr": "rule",
}


#: Blocks marked with their source line in print mode: the ones that hold text or a picture
#: (not the lists and quotes around them, whose ``<ol start>`` the parallel edition reads).
_SOURCE_MARKED = {"paragraph_open", "figure_open", "heading_open", "table_open", "list_item_open", "fence", "code_block"}


def _mark_sources(tokens: list[Token], rel: str, line_offset: int) -> None:
    for token in tokens:
        if token.type in _SOURCE_MARKED and token.map and not token.hidden:
            token.attrSet("data-source", f"{rel}:{line_offset + token.map[0] + 1}")


def _close_index(tokens: list[Token], start: int) -> int:
    """The index of the token closing the one at ``start`` (itself for a token that closes nothing)."""
    if tokens[start].nesting != 1:
        return start
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _children(tokens: list[Token]) -> list[list[Token]]:
    out, index = [], 0
    while index < len(tokens):
        end = _close_index(tokens, index)
        out.append(tokens[index : end + 1])
        index = end + 1
    return out


def _split_blocks(tokens: list[Token]) -> list[tuple[str, list[Token]]]:
    """Top-level blocks, with lists split into items and quotes into their blocks.

    An item keeps its list around it (an ordered one with its number as
    ``start``), a quote's block keeps the quote, so each renders alone as it
    does in the whole article.
    """
    out: list[tuple[str, list[Token]]] = []
    for part in _children(tokens):
        opener, closer = part[0], part[-1]
        if opener.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            kind = "quote" if opener.type == "blockquote_open" else "list item"
            first = int(opener.attrGet("start") or 1)
            for number, child in enumerate(_children(part[1:-1])):
                wrapper = opener
                if opener.type == "ordered_list_open" and number:
                    wrapper = opener.copy()
                    wrapper.attrSet("start", str(first + number))
                out.append((kind, [wrapper, *child, closer]))
        elif opener.type == "footnote_block_open":
            for child in _children(part[1:-1]):
                out.append(("footnote", child))
        else:
            out.append((_KINDS.get(opener.type, "paragraph"), part))
    return out


def _pull_footnotes(md: MarkdownIt, tokens: list[Token], env: dict) -> tuple[list[Token], dict[int, str], dict[int, str]]:
    """Remove the footnote block; return the tokens left, each note's inline HTML and each note's label."""
    notes: dict[int, list[str]] = {}
    labels: dict[int, str] = {}
    kept: list[Token] = []
    current: int | None = None
    inside_block = False
    for token in tokens:
        if token.type == "footnote_block_open":
            inside_block = True
            continue
        if token.type == "footnote_block_close":
            inside_block = False
            continue
        if not inside_block:
            kept.append(token)
            continue
        if token.type == "footnote_open":
            current = token.meta["id"]
            notes[current] = []
            labels[current] = str(token.meta.get("label") or current)
        elif token.type == "inline" and current is not None:
            notes[current].append(md.renderer.render(token.children or [], md.options, env))
    return kept, {key: " ".join(parts) for key, parts in notes.items()}, labels


def render_inline(text: str) -> str:
    """Inline Markdown (a title, an abstract) → HTML, raw HTML escaped."""
    return _md.renderInline(text)


def plain_text(text: str) -> str:
    """Inline Markdown → plain text (for <title>, metadata, feeds)."""
    tokens: list[Token] = []
    _md.inline.parse(text, _md, {"footnotes": {"refs": {}, "list": {}}}, tokens)
    return _md.renderer.renderInlineAsText(tokens, _md.options, {})


def picture_sources(body: str) -> list[tuple[str, int]]:
    """Every picture's ``src`` in a body, with its 0-based line."""
    if "![" not in body:
        return []
    found = []
    for token in _md.parse(body, {}):
        if token.type != "inline":
            continue
        stack = list(token.children or [])
        while stack:
            child = stack.pop(0)
            if child.type == "image":
                found.append((unquote(str(child.attrGet("src") or "")), token.map[0] if token.map else 0))
            stack[:0] = child.children or []
    return found


def inline_tokens(text: str) -> list[Token]:
    """The inline tokens of one message (for comparing a translation's markup with its source's)."""
    tokens: list[Token] = []
    _md.inline.parse(text, _md, {"footnotes": {"refs": {}, "list": {}}}, tokens)
    return tokens
