"""Preflight: what a printer would reject in a laid-out print edition, located where the fix goes.

An :class:`Inspector` is handed to the PDF renderer (``inspect=``), which
calls it with WeasyPrint's laid-out ``Document`` after layout and before the
PDF is written, so a build checks what it prints without laying anything out
twice. It reads the box tree (``Document.pages[i]._page_box``) the way
:mod:`diglot.render.justify` does, and finds:

- pictures printed below 300 ppi at their placed size (below 150 ppi an
  error): the image's pixels over the width it is drawn at;
- characters no font could draw (a tofu box): glyphs Pango marks with
  ``PANGO_GLYPH_UNKNOWN_FLAG``, which carry the character's code point;
- text or a table wider than its column: a box whose right edge passes the
  content edge of the block holding it (the page's text column, a table
  cell) by more than a hair.

:meth:`Inspector.check_pdf` then reads the written PDF with pypdf for fonts
that are not embedded.

Article blocks carry ``data-source="<article file>:<line>"`` in print HTML
(see :func:`diglot.source.markdown.render`): a finding inside one is located
in that block, refined to the line of the picture, character or word in the
article file, or in the edition's catalog when only the translation has it.
Elsewhere (cover, contents, openers) the issue's sources are searched.
"""

from __future__ import annotations

import io
import posixpath
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

from .. import locales
from ..errors import Location, Problem
from ..source.model import Issue, Periodical, Picture

#: Resolution a printer wants for pictures; below ``PPI_ERROR`` a picture is refused.
PPI_WANTED = 300
PPI_ERROR = 150
#: How far a box may pass its column's edge before it counts (0.5 pt, in CSS px).
HAIR_PX = 0.5 * 96 / 72

CSS_PX_MM = 25.4 / 96
#: Elements whose first class names a part of an edition (cover, colophon, toc, opener).
_PARTS = {"section", "nav", "header", "aside", "footer"}
_UNKNOWN_FLAG = 0x10000000  # PANGO_GLYPH_UNKNOWN_FLAG: the glyph is this flag | the code point
_INVALID_INPUT = 0xFFFFFFFF  # PANGO_GLYPH_INVALID_INPUT


@dataclass(frozen=True)
class Finding:
    """One thing a printer would reject (``error``) or query (``warning``).

    ``code`` is one of ``picture-resolution``, ``missing-glyph``,
    ``overflow`` and ``font-not-embedded``.
    """

    location: Location
    severity: str
    code: str
    message: str
    subject: str = field(default="", compare=False)  # what it is about (a picture, a table): one finding each
    measure: float = field(default=0.0, compare=False)  # the larger, the worse (of two findings on one subject)

    def problem(self) -> Problem:
        return Problem(self.location, self.message, self.severity)

    def __str__(self) -> str:
        return str(self.problem())


class Inspector:
    """The checks of one print edition of ``issue``; call it with the laid-out document."""

    def __init__(self, periodical: Periodical, issue: Issue, edition: str):
        self.periodical = periodical
        self.issue = issue
        self.edition = edition  # what the findings are about, e.g. "the en print edition"
        self.findings: list[Finding] = []
        self._root = Path(periodical.root).resolve()
        self._lines: dict[str, list[str] | None] = {}
        self._langs = {locales.bcp47(lang).lower(): lang for lang in periodical.languages}
        # Every picture file the issue may print → where its source names it.
        self._pictures: dict[str, list[tuple[str, Picture]]] = {}
        for article in issue.articles:
            for picture in article.pictures:
                for rel in {picture.rel, *picture.variants.values()}:
                    self._pictures.setdefault(rel, []).append((article.rel, picture))
        self._cover: set[str] = set()
        if issue.cover is not None:
            self._cover = {issue.cover.rel, *issue.cover.variants.values()}

    # --- the laid-out document ------------------------------------------------------

    def __call__(self, document) -> None:
        """Inspect every page of a laid-out WeasyPrint document."""
        from weasyprint.formatting_structure import boxes

        texts: list[tuple[object, str | None]] = []
        for page in document.pages:
            page_box = page._page_box
            limit = page_box.content_box_x() + page_box.width
            # Running heads and folios (margin boxes) sit outside the text column on purpose.
            children = [c for c in page_box.children if not isinstance(c, boxes.MarginBox)]
            stack = [(child, None, "", limit, False) for child in reversed(children)]
            while stack:
                box, source, part, limit, overflowed = stack.pop()
                element = getattr(box, "element", None)
                if element is not None and element.get("data-source"):
                    source = element.get("data-source")
                if element is not None and box.element_tag in _PARTS:
                    part = (element.get("class") or "").split(" ")[0] or box.element_tag
                if not overflowed and not isinstance(box, (boxes.LineBox, boxes.InlineBox)):
                    overflowed = self._overflow(box, source, part, limit)
                if isinstance(box, boxes.ReplacedBox):
                    self._picture(box, source)
                elif isinstance(box, boxes.TextBox) and box.text.strip():
                    texts.append((box, source))
                children = getattr(box, "children", None)
                if not children:
                    continue
                if isinstance(box, boxes.BlockContainerBox) and not isinstance(box, boxes.LineBox):
                    limit = box.content_box_x() + box.width
                stack.extend((child, source, part, limit, overflowed) for child in reversed(children))
        self._glyphs(texts)

    def _picture(self, box, source: str | None) -> None:
        from weasyprint.images import RasterImage
        from weasyprint.layout.replaced import replacedbox_layout

        image = box.replacement
        if not isinstance(image, RasterImage):
            return  # vector pictures print at any size
        draw_width, draw_height, _, _ = replacedbox_layout(box)
        if draw_width <= 0 or draw_height <= 0:
            return
        ppi = min(image.width / (draw_width / 96), image.height / (draw_height / 96))
        if ppi >= PPI_WANTED:
            return
        rel = self._file_rel(box.element.get("src") if box.element is not None else None)
        shown = posixpath.relpath(rel, self.issue.folder) if rel else "a picture"
        severity = "error" if ppi < PPI_ERROR else "warning"
        message = f"{shown} prints at {int(ppi)} ppi at {round(draw_width * CSS_PX_MM)} mm wide (needs {PPI_WANTED})"
        self._add(self._picture_location(rel, source), severity, "picture-resolution", message, subject=shown, measure=-ppi)

    def _glyphs(self, texts: list[tuple[object, str | None]]) -> None:
        """Characters no font draws, in the text boxes ``texts`` (each with its block's source).

        The boxes' own Pango layouts are released once laid out (WeasyPrint
        shapes each line again to draw it), so instead of shaping every line
        a second time, the distinct characters of each font-family list are
        shaped once, in one line: Pango falls back to any font that has a
        character, so a glyph it marks unknown there is unknown in the text.
        """
        groups: dict[tuple, tuple[object, set[str]]] = {}
        for box, _ in texts:
            family = tuple(box.style["font_family"])
            chars = groups.setdefault(family, (box.style, set()))[1]
            chars.update(ch for ch in box.text if not ch.isspace())
        missing: set[str] = set()
        for style, chars in groups.values():
            missing |= _unknown_glyphs(sorted(chars), style)
        if not missing:
            return
        for box, source in texts:
            for char in dict.fromkeys(ch for ch in box.text if ch in missing):
                location = self._search(char, source, self._box_lang(box))
                self._add(location, "error", "missing-glyph", f"U+{ord(char):04X} ({_describe(char)}) has no glyph in any embedded font")

    def _overflow(self, box, source: str | None, part: str, limit: float) -> bool:
        """Report ``box`` if it passes ``limit`` (its column's right edge); True if it does.

        ``part`` names the part of the edition it is in (``colophon``), said
        when the box is not in an article's body: the template made it.
        """
        from weasyprint.formatting_structure import boxes

        if isinstance(box, boxes.TextBox):
            right = box.position_x + box.width
        else:
            right = box.border_box_x() + box.border_width()
        excess = right - limit
        if excess <= HAIR_PX:
            return False
        mm = f"{excess * CSS_PX_MM:.1f}"
        column = "its column" if source else f"its column ({part or 'page'}, {self.edition})"
        if isinstance(box, boxes.TableBox) or getattr(box, "is_table_wrapper", False):
            location = self._at_block(source)
            message = f"a table runs {mm} mm past the right edge of {column}; give it fewer or narrower columns, or break the long cell contents"
        elif isinstance(box, boxes.TextBox):
            word = max(box.text.split(), key=len, default=box.text).rstrip("-\u2010")
            location = self._search(word[:24], source, self._box_lang(box), anywhere=False) if word else self._at_block(source)
            message = f"text runs {mm} mm past the right edge of {column}: \"{_excerpt(word)}\" cannot break; shorten it or give it a place to break"
        elif isinstance(box, boxes.ReplacedBox):
            location = self._picture_location(self._file_rel(box.element.get("src") if box.element is not None else None), source)
            message = f"a picture runs {mm} mm past the right edge of {column}; make it narrower"
        else:
            location = self._at_block(source)
            message = f"content runs {mm} mm past the right edge of {column}; make it narrower"
        self._add(location, "error", "overflow", message, subject=message.split(" runs ")[0], measure=excess)
        return True

    # --- the written PDF ------------------------------------------------------------

    def check_pdf(self, pdf: bytes) -> None:
        """Every font of the written PDF must be embedded (Type 3 fonts are drawn in the file)."""
        where = Location("templates/print.css") if (self._root / "templates" / "print.css").is_file() else Location(self.issue.rel)
        for name in unembedded_fonts(pdf):
            self._add(
                where,
                "error",
                "font-not-embedded",
                f"font {name} is not embedded in {self.edition}; install it as a font file fontconfig can read (see 'diglot doctor'), or choose another",
            )

    # --- locating -------------------------------------------------------------------

    def _add(self, location: Location, severity: str, code: str, message: str, subject: str = "", measure: float = 0.0) -> None:
        finding = Finding(location, severity, code, message, subject, measure)
        if finding not in self.findings:
            self.findings.append(finding)

    def _file_rel(self, url: str | None) -> str | None:
        if not url:
            return None
        path = Path(unquote(urlsplit(url).path)).resolve()
        try:
            return path.relative_to(self._root).as_posix()
        except ValueError:
            return None

    def _box_lang(self, box) -> str | None:
        tag = (box.style["lang"] or "").lower()
        return self._langs.get(tag) or self._langs.get(tag.split("-")[0])

    def _read(self, rel: str) -> list[str] | None:
        if rel not in self._lines:
            try:
                self._lines[rel] = (self._root / rel).read_text(encoding="utf-8-sig").splitlines()
            except (OSError, UnicodeDecodeError):
                self._lines[rel] = None
        return self._lines[rel]

    def _picture_location(self, rel: str | None, source: str | None) -> Location:
        """The picture's line in the article whose block placed it, the cover line, or the block."""
        block = _split_source(source)
        candidates = self._pictures.get(rel or "", [])
        if block is not None:
            path, line = block
            mine = [p for article, p in candidates if article == path]
            after = [p for p in mine if p.location.line >= line]
            picture = min(after, key=lambda p: p.location.line) if after else (mine[0] if mine else None)
            if picture is not None:
                return self._markup_at(picture.location)
            return Location(path, line, 1)
        if rel in self._cover and self.issue.cover is not None:
            return Location(self.issue.rel, self.issue.cover.location.line, 1)
        if candidates:
            return self._markup_at(candidates[0][1].location)
        return Location(self.issue.rel)

    def _markup_at(self, location: Location) -> Location:
        """The column of the ``![`` opening a picture whose path starts at ``location``."""
        lines = self._read(location.path)
        if not lines or not 0 < location.line <= len(lines):
            return location
        start = lines[location.line - 1].rfind("![", 0, max(location.col - 1, 0))
        return Location(location.path, location.line, start + 1 if start >= 0 else 1)

    def _at_block(self, source: str | None) -> Location:
        block = _split_source(source)
        return Location(block[0], block[1], 1) if block else Location(self.issue.rel)

    def _search(self, text: str, source: str | None, lang: str | None, anywhere: bool = True) -> Location:
        """Where ``text`` is written: in the block's lines, the edition's catalog, then (``anywhere``, or
        outside an article's body) the issue's other sources; else the block, else the issue."""
        block = _split_source(source)
        files: list[str] = []
        if block is not None:
            path, line = block
            found = self._find(path, text, line, stop_at_blank=True)
            if found:
                return found
            slug = posixpath.splitext(posixpath.basename(path))[0]
            if lang:
                files.append(f"locale/{lang}/LC_MESSAGES/{self.issue.id}/{slug}.po")
            files.append(path)
        issue = self.issue
        if block is None or anywhere:
            files += [issue.rel, *(a.rel for a in issue.articles), "periodical.yaml"]
            for each in [lang] if lang else self.periodical.languages:
                files += [f"locale/{each}/LC_MESSAGES/{issue.id}/issue.po"]
                files += [f"locale/{each}/LC_MESSAGES/{issue.id}/{a.slug}.po" for a in issue.articles]
                files += [f"locale/{each}/LC_MESSAGES/periodical.po", f"locale/{each}/LC_MESSAGES/theme.po"]
        for rel in dict.fromkeys(files):
            found = self._find(rel, text)
            if found:
                return found
        return Location(block[0], block[1], 1) if block else Location(issue.rel)

    def _find(self, rel: str, text: str, start: int = 1, stop_at_blank: bool = False) -> Location | None:
        lines = self._read(rel)
        if not lines or not text:
            return None
        for number in range(start, len(lines) + 1):
            line = lines[number - 1]
            col = line.find(text)
            if col >= 0:
                return Location(rel, number, col + 1)
            if stop_at_blank and number > start and not line.strip():
                return None
        return None


def merge(found: Iterable[tuple[str, Finding]]) -> list[tuple[Finding, list[str]]]:
    """The findings of several editions (each ``(edition, finding)``), in source order, each with
    the editions it is found in: one a place and subject, the worst (a picture placed at two
    sizes, a table of the parallel edition overflowing on both sides)."""
    merged: dict[tuple, tuple[Finding, list[str]]] = {}
    for edition, finding in found:
        key = (finding.location, finding.code, finding.subject or finding.message)
        if key not in merged:
            merged[key] = (finding, [edition])
            continue
        kept, editions = merged[key]
        if (finding.severity == "error", finding.measure) > (kept.severity == "error", kept.measure):
            kept = finding
        merged[key] = (kept, editions + [edition] if edition not in editions else editions)
    return sorted(merged.values(), key=lambda item: (item[0].location, item[0].code, item[0].message))


def _unknown_glyphs(chars: list[str], style) -> set[str]:
    """The characters among ``chars`` that Pango finds no glyph for, set in ``style``."""
    from weasyprint.text.ffi import ffi
    from weasyprint.text.line_break import create_layout

    if not chars:
        return set()
    layout = create_layout(" ".join(chars), style, None, max_width=None, justification_spacing=0)
    line, _ = layout.get_first_line()
    found: set[str] = set()
    run = line.runs
    while run != ffi.NULL:
        glyphs = run.data.glyphs
        run = run.next
        infos = glyphs.glyphs
        for index in range(glyphs.num_glyphs):
            glyph = infos[index].glyph
            if glyph & _UNKNOWN_FLAG and glyph != _INVALID_INPUT:
                found.add(chr(glyph & ~_UNKNOWN_FLAG))
    return found


def _split_source(source: str | None) -> tuple[str, int] | None:
    if not source:
        return None
    path, _, line = source.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else None


def _describe(char: str) -> str:
    name = unicodedata.name(char, "")
    if name:
        return name.lower()
    return {"Co": "private use", "Cn": "unassigned", "Cs": "surrogate", "Cc": "control character"}.get(
        unicodedata.category(char), "no name"
    )


def _excerpt(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def unembedded_fonts(pdf: bytes) -> list[str]:
    """The base names of the fonts a PDF uses without embedding them (Type 3 fonts excepted)."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(io.BytesIO(pdf))
    seen: set[int] = set()
    names: list[str] = []

    def resolve(obj):
        return obj.get_object() if obj is not None else None

    def visit(resources) -> None:
        resources = resolve(resources)
        if not isinstance(resources, DictionaryObject) or id(resources) in seen:
            return
        seen.add(id(resources))
        fonts = resolve(resources.get("/Font"))
        for font in (fonts or {}).values():
            font = resolve(font)
            if font is None or font.get("/Subtype") == "/Type3":
                continue
            name = str(font.get("/BaseFont", "(unnamed)")).lstrip("/")
            described = font
            if font.get("/Subtype") == "/Type0":
                descendants = resolve(font.get("/DescendantFonts")) or []
                described = resolve(descendants[0]) if descendants else None
            descriptor = resolve(described.get("/FontDescriptor")) if described is not None else None
            embedded = descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded and name not in names:
                names.append(name)
        for xobject in (resolve(resources.get("/XObject")) or {}).values():
            xobject = resolve(xobject)
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
        for annotation in resolve(page.get("/Annots")) or []:
            appearance = resolve(resolve(annotation).get("/AP"))
            normal = resolve(appearance.get("/N")) if appearance is not None else None
            if normal is not None and hasattr(normal, "get"):
                visit(normal.get("/Resources"))
    return names
