"""Press files: `build --pdf-variant pdf/x-4` and `pdf/x-1a`, read back as a printer's preflight would.

Each build runs once per module on a copy of a publication: the sample in
both variants (X-4 with the printer's profile named in print.output_intent,
X-1a with the free default profile and crop marks but no bleed), and the
Lumen fixture with a 5 mm bleed (more than the 10 pt WeasyPrint's own
BleedBox stops at) and a translucent picture.
"""

from __future__ import annotations

import io
import re
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat
from pypdf import PdfReader
from pypdf.generic import ContentStream

from diglot.render import press

from .conftest import FIXTURES, REPO, copy_publication, run
from .test_validate import make_publication

GHOSTSCRIPT_ICC = Path("/usr/share/color/icc/ghostscript")  # Debian's libgs-common (scripts/system-deps.sh)
SRGB = ImageCms.ImageCmsProfile(io.BytesIO(files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes()))
MM = 72 / 25.4
BLACK_TEXT = [0, 0, 0, 1]
ACCENT = [0.96, 0.36, 0.74, 0.27]  # THEME_CMYK["#0b6b5a"]


def _set_print(root: Path, lines: str) -> None:
    """Replace the print mapping of periodical.yaml (the last key of the sample's and Lumen's)."""
    config = root / "periodical.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text[: text.index("print:")] + "print:\n" + lines, encoding="utf-8")


def _build(root: Path, *args: str) -> Path:
    out = root / "build"
    result = run("--root", str(root), "-q", "build", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return out / "pdf"


@pytest.fixture(scope="module")
def sample_x4(tmp_path_factory) -> Path:
    """The sample's en edition as PDF/X-4, with the printer's profile and an Adobe RGB cover picture."""
    root = copy_publication(REPO, tmp_path_factory.mktemp("x4") / "pub")
    (root / "profiles").mkdir()
    shutil.copyfile(GHOSTSCRIPT_ICC / "ps_cmyk.icc", root / "profiles/printer.icc")
    _set_print(root, "  page_size: A4\n  output_intent: profiles/printer.icc\n")
    _adobe_rgb_picture().save(root / "issues/2026-10/images/cover.png", icc_profile=(GHOSTSCRIPT_ICC / "a98.icc").read_bytes())
    return _build(root, "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-4") / "2026-10.en.pdf"


@pytest.fixture(scope="module")
def sample_x1a(tmp_path_factory) -> Path:
    """The sample's zh-hans edition as PDF/X-1a, with the default profile and crop marks without a bleed."""
    root = copy_publication(REPO, tmp_path_factory.mktemp("x1a") / "pub")
    _set_print(root, "  page_size: A4\n  marks: crop\n")
    return _build(root, "--format", "pdf", "-l", "zh_Hans", "--pdf-variant", "pdf/x-1a") / "2026-10.zh-hans.pdf"


def _lumen(tmp_path_factory, name: str) -> Path:
    root = copy_publication(FIXTURES / "lumen", tmp_path_factory.mktemp(name) / "lumen")
    _set_print(root, "  page_size: A5\n  marks: crop\n  bleed: 5mm\n")
    picture = root / "issues/spring-2027/images/map.png"
    translucent = Image.open(picture).convert("RGBA")
    translucent.putalpha(128)
    translucent.save(picture)
    return root


@pytest.fixture(scope="module")
def lumen_x4(tmp_path_factory) -> Path:
    root = _lumen(tmp_path_factory, "lumen-x4")
    return _build(root, "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-4") / "spring-2027.en.pdf"


@pytest.fixture(scope="module")
def lumen_x1a(tmp_path_factory) -> Path:
    root = _lumen(tmp_path_factory, "lumen-x1a")
    out = _build(root, "--format", "parallel", "--parallel-layout", "facing", "--pdf-variant", "pdf/x-1a")
    return out / "spring-2027.parallel.pdf"


BUILDS = ["sample_x4", "sample_x1a", "lumen_x4", "lumen_x1a"]
VERSIONS = {"sample_x4": "PDF/X-4", "sample_x1a": "PDF/X-1a:2003", "lumen_x4": "PDF/X-4", "lumen_x1a": "PDF/X-1a:2003"}


def _adobe_rgb_picture() -> Image.Image:
    # As many pixels as the sample's cover (1600 x 1000): a coarser one fails the build's preflight.
    return Image.new("RGB", (1600, 1000), (90, 160, 60))


def _xobjects(resources, seen: set[int]):
    """Every image and form XObject reachable from a resources dictionary (forms searched in turn)."""
    for ref in (resources or {}).get("/XObject", {}).values():
        if ref.idnum in seen:
            continue
        seen.add(ref.idnum)
        xobject = ref.get_object()
        yield xobject
        if xobject["/Subtype"] == "/Form":
            yield from _xobjects(xobject.get("/Resources"), seen)


def _content_streams(reader: PdfReader):
    """(content, resources) of every page and every form XObject."""
    seen: set[int] = set()
    for page in reader.pages:
        yield ContentStream(page.get_contents(), reader), page["/Resources"]
        for xobject in _xobjects(page["/Resources"], seen):
            if xobject["/Subtype"] == "/Form":
                yield ContentStream(xobject, reader), xobject.get("/Resources")


def _images(reader: PdfReader) -> list:
    seen: set[int] = set()
    return [x for page in reader.pages for x in _xobjects(page["/Resources"], seen) if x["/Subtype"] == "/Image"]


@pytest.mark.parametrize("build", BUILDS)
def test_cmyk_output_intent_and_pdfx_version(build, request):
    pdf = request.getfixturevalue(build)
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    intents = [intent.get_object() for intent in root["/OutputIntents"]]
    assert len(intents) == 1
    intent = intents[0]
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    assert profile.get_data()[16:20] == b"CMYK"
    expected = "Artifex PS CMYK Profile" if build == "sample_x4" else "Artifex CMYK SWOP Profile"
    assert intent["/OutputConditionIdentifier"] == expected
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"<pdfxid:GTS_PDFXVersion>([^<]*)</pdfxid:GTS_PDFXVersion>", xmp)[1] == VERSIONS[build]
    assert reader.pdf_header == ("%PDF-1.6" if build.endswith("x4") else "%PDF-1.4")
    if build.endswith("x1a"):
        assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    assert reader.metadata["/Trapped"] == "/False"


@pytest.mark.parametrize("build", BUILDS)
def test_trim_and_bleed_boxes_on_every_page(build, request):
    reader = PdfReader(request.getfixturevalue(build))
    bleed = 5 * MM if build.startswith("lumen") else 0  # the sample's copy has crop marks but no bleed
    assert len(reader.pages) > 3
    for number, page in enumerate(reader.pages, 1):
        assert "/TrimBox" in page and "/BleedBox" in page, f"page {number}"
        trim = [float(v) for v in page["/TrimBox"]]
        grown = [trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed]
        assert [float(v) for v in page["/BleedBox"]] == pytest.approx(grown, abs=0.01), f"page {number}"
        media = [float(v) for v in page["/MediaBox"]]
        assert media[0] <= grown[0] + 0.01 and media[2] >= grown[2] - 0.01
        assert "/Annots" not in page, f"page {number}: PDF/X allows no links inside the BleedBox"
    width, height = trim[2] - trim[0], trim[3] - trim[1]
    assert (round(width / MM), round(height / MM)) == ((148, 210) if build.startswith("lumen") else (210, 297))


@pytest.mark.parametrize("build", BUILDS)
def test_colours_are_cmyk_and_black_text_is_black_ink_only(build, request):
    reader = PdfReader(request.getfixturevalue(build))
    fills: list[list[float]] = []
    for content, _resources in _content_streams(reader):
        for operands, operator in content.operations:
            assert operator not in (b"rg", b"RG"), f"an RGB colour: {operands} {operator}"
            if operator in (b"cs", b"CS"):
                assert operands[0] in ("/DeviceCMYK", "/DeviceGray"), operands
            if operator == b"k":
                fills.append([round(float(v), 4) for v in operands])
    assert BLACK_TEXT in fills  # body text: solid black ink
    assert not [f for f in fills if f[3] >= 0.5 and min(f[:3]) > 0], "rich black (all four inks)"
    if build.startswith("sample"):
        assert ACCENT in fills  # the cover's background, as THEME_CMYK lists it


def test_x4_pictures_keep_rgb_with_their_profile(sample_x4, lumen_x4):
    for pdf in (sample_x4, lumen_x4):
        images = _images(PdfReader(pdf))
        assert images
        for image in images:
            space = image["/ColorSpace"]
            assert space[0] == "/ICCBased", space
            profile = space[1].get_object()
            assert profile["/N"] == 3 and profile.get_data()[16:20] == b"RGB "
    # The Adobe RGB cover picture is converted to sRGB on the way (WeasyPrint would drop its profile).
    expected = ImageCms.profileToProfile(
        _adobe_rgb_picture(), str(GHOSTSCRIPT_ICC / "a98.icc"), SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL
    ).getpixel((0, 0))
    pixels = {image.decode_as_image().getpixel((0, 0)) for image in _images(PdfReader(sample_x4))}
    assert expected in pixels and (90, 160, 60) not in pixels
    # X-4 allows transparency: the translucent Lumen map keeps its alpha.
    assert any("/SMask" in image for image in _images(PdfReader(lumen_x4)))


def test_x1a_pictures_are_cmyk_and_opaque(sample_x1a, lumen_x1a):
    for pdf in (sample_x1a, lumen_x1a):
        reader = PdfReader(pdf)
        images = _images(reader)
        assert images
        for image in images:
            assert image["/ColorSpace"] == "/DeviceCMYK"
            assert "/SMask" not in image
        seen: set[int] = set()
        for page in reader.pages:
            for xobject in _xobjects(page["/Resources"], seen):
                assert "/Group" not in xobject, "X-1a allows no transparency group"
        for _content, resources in _content_streams(reader):
            for state in (resources or {}).get("/ExtGState", {}).values():
                state = state.get_object()
                assert "/SMask" not in state and float(state.get("/ca", 1)) == 1 and float(state.get("/CA", 1)) == 1
    # The half-transparent map is flattened onto white, then separated through the output profile.
    map_rgba = Image.open(FIXTURES / "lumen/issues/spring-2027/images/map.png").convert("RGBA")
    map_rgba.putalpha(128)
    flat = Image.new("RGB", map_rgba.size, "white")
    flat.paste(map_rgba.convert("RGB"), mask=map_rgba.getchannel("A"))
    cmyk = ImageCms.ImageCmsProfile(str(GHOSTSCRIPT_ICC / "default_cmyk.icc"))
    expected = ImageCms.profileToProfile(flat, SRGB, cmyk, renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="CMYK")
    printed = [image.decode_as_image() for image in _images(PdfReader(lumen_x1a))]
    assert any(p.mode == "CMYK" and p.size == expected.size and _mean_difference(p, expected) < 1 for p in printed)


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / len(a.getbands())


# --- a bad print.output_intent: validate and build refuse it, located ----------------------------

OUTPUT_INTENT_AT = "periodical.yaml:6:18"
FIX = "copy the printer's CMYK profile (an .icc file) into the publication and give its path from the root, e.g. profiles/printer.icc"


def _profile_publication(tmp_path: Path, value: str, files: dict[str, bytes]) -> Path:
    root = make_publication(tmp_path)
    config = root / "periodical.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"print:\n  output_intent: {value}\n", encoding="utf-8")
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def _rgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


BAD_PROFILES = {
    "missing": ("profiles/printer.icc", {}, f"print.output_intent 'profiles/printer.icc' does not exist; {FIX}"),
    "outside": ("../printer.icc", {"../printer.icc": b"x"}, f"print.output_intent '../printer.icc' is outside the publication root; {FIX}"),
    "absolute": ("/usr/share/color/icc/ghostscript/default_cmyk.icc", {}, f"print.output_intent '/usr/share/color/icc/ghostscript/default_cmyk.icc' must be a path inside the publication; {FIX}"),
    "not-icc": (
        "profiles/printer.icc",
        {"profiles/printer.icc": b"not a profile\n" * 20},
        "print.output_intent 'profiles/printer.icc' is not an ICC profile; ask the printer for their CMYK profile (an .icc file)",
    ),
    "rgb": (
        "profiles/srgb.icc",
        {"profiles/srgb.icc": _rgb_profile()},
        "print.output_intent 'profiles/srgb.icc' is an RGB profile; a press file needs the printer's CMYK profile (e.g. ISO Coated v2, GRACoL)",
    ),
}


@pytest.mark.parametrize(("case", "value", "files", "message"), [pytest.param(k, *v, id=k) for k, v in BAD_PROFILES.items()])
def test_bad_output_intent_is_located(tmp_path, case, value, files, message):
    root = _profile_publication(tmp_path, value, files)
    for command in (["validate"], ["build", "--draft", "--format", "pdf", "--pdf-variant", "pdf/x-4"]):
        result = run("--root", str(root), *command)
        assert result.exit_code == 1, result.output
        assert f"{OUTPUT_INTENT_AT}: error: {message}" in result.stderr.splitlines()
        assert "Traceback" not in result.output
    assert not (root / "build/pdf").exists()


def test_a_good_output_intent_validates(tmp_path):
    root = _profile_publication(tmp_path, "profiles/printer.icc", {"profiles/printer.icc": (GHOSTSCRIPT_ICC / "default_cmyk.icc").read_bytes()})
    result = run("--root", str(root), "validate")
    assert result.exit_code == 0, result.output


def test_x1a_refuses_a_version_4_profile(tmp_path):
    root = _profile_publication(tmp_path, "profiles/printer.icc", {"profiles/printer.icc": (GHOSTSCRIPT_ICC / "ps_cmyk.icc").read_bytes()})
    result = run("--root", str(root), "build", "--draft", "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-1a")
    assert result.exit_code == 1, result.output
    assert (
        f"{OUTPUT_INTENT_AT}: error: pdf/x-1a (PDF 1.4) needs a version 2 ICC profile, and profiles/printer.icc is version 4;"
        " ask the printer for their v2 profile, or make pdf/x-4"
    ) in result.stderr.splitlines()


def test_missing_default_profile_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(press, "DEFAULT_PROFILE", tmp_path / "nowhere/default_cmyk.icc")
    root = make_publication(tmp_path)
    result = run("--root", str(root), "build", "--draft", "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-4")
    assert result.exit_code == 1, result.output
    assert (
        f"periodical.yaml:1:1: error: pdf/x-4 needs a CMYK output profile and {tmp_path}/nowhere/default_cmyk.icc is not installed:"
        " install Debian's libgs-common (apt-get install libgs-common), or name the printer's ICC profile in print.output_intent"
    ) in result.stderr.splitlines()


def test_x1a_refuses_translucent_templates(tmp_path):
    root = make_publication(tmp_path)
    (root / "templates").mkdir()
    css = (REPO / "templates/print.css").read_text(encoding="utf-8")
    (root / "templates/print.css").write_text(css + "\nh1 { opacity: .5; }\n", encoding="utf-8")
    result = run("--root", str(root), "build", "--draft", "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-1a")
    assert result.exit_code == 1, result.output
    assert "pdf/x-1a allows no transparency, and the templates make something translucent" in result.stderr
    assert run("--root", str(root), "-q", "build", "--draft", "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-4").exit_code == 0


def test_help_lists_the_press_variants():
    result = run("build", "--help")
    assert "pdf/x-4" in result.stdout and "pdf/x-1a" in result.stdout


def test_a_new_profile_from_the_printer_rebuilds(tmp_path):
    root = _profile_publication(tmp_path, "profiles/printer.icc", {"profiles/printer.icc": (GHOSTSCRIPT_ICC / "default_cmyk.icc").read_bytes()})
    build = ("--root", str(root), "build", "--draft", "--format", "pdf", "-l", "en", "--pdf-variant", "pdf/x-4")
    assert run(*build).exit_code == 0
    assert "nothing changed" in run(*build).stdout
    shutil.copyfile(GHOSTSCRIPT_ICC / "ps_cmyk.icc", root / "profiles/printer.icc")
    again = run(*build)
    assert again.exit_code == 0, again.output
    assert "nothing changed" not in again.stdout
    intent = PdfReader(root / "build/pdf/2026-01.en.pdf").trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/OutputConditionIdentifier"] == "Artifex PS CMYK Profile"
