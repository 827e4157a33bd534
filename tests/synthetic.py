"""A synthetic issue for layout tests and benchmarks: many articles, footnotes, figures of many shapes.

Text is drawn at random from common Han characters and English words (it
only has to set like real text); figures are PNGs of several aspect ratios,
from a wide banner to a tall portrait, placed after random paragraphs (so
some fall at a page's foot), with a table in some articles. The same seed
gives the same issue.
"""

from __future__ import annotations

import random
from pathlib import Path

HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
WORDS = "river city craft repair garden memory climate water music market workshop archive street harvest season design culture heritage energy community school library bridge harbour forest village museum theatre song story print textile timber bamboo clay stone paper solar wind rain flood the a of and to in for with on by from as at into over between through makes keeps shares builds carries teaches changes grows mends quietly slowly together again often carefully shared public small old new long warm green careful patient practical".split()
#: Figure shapes (width, height in pixels): banner, landscape, square, portrait, tall.
SHAPES = [(1200, 400), (1200, 800), (900, 900), (800, 1100), (600, 1200)]
ISSUE = "2030-01"


def zh_paragraph(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(5, 9)):
        sentence = "".join(rng.choice(HAN) for _ in range(rng.randint(12, 30)))
        if rng.random() < 0.3:
            sentence += f"{rng.randint(2, 2030)}年"
        if rng.random() < 0.15:
            sentence += "UNESCO"
        out.append(sentence + rng.choice("，。。；"))
    return "".join(out)[:-1] + "。"


def en_paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(70, 120))]
    return " ".join(words).capitalize() + "."


def _pictures(root: Path) -> list[str]:
    from PIL import Image, ImageDraw

    folder = root / f"issues/{ISSUE}/images"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for width, height in SHAPES:
        name = f"shape-{width}x{height}.png"
        image = Image.new("RGB", (width, height), (232, 240, 236))
        draw = ImageDraw.Draw(image)
        draw.rectangle([10, 10, width - 11, height - 11], outline=(11, 107, 90), width=8)
        draw.line([0, 0, width, height], fill=(200, 140, 40), width=6)
        image.save(folder / name, optimize=True)
        names.append(name)
    return names


def make_issue(root: Path, articles: int, rng: random.Random, figures: bool = True) -> None:
    """Write periodical.yaml, the issue and its articles (zh_Hans source) under ``root``."""
    (root / f"issues/{ISSUE}/articles").mkdir(parents=True)
    (root / "periodical.yaml").write_text("title: {zh_Hans: 基准评论, en: Bench Review}\nlanguages: [zh_Hans, en]\nissn: 2049-3630\n", encoding="utf-8")
    pictures = _pictures(root) if figures else []
    entries, contributors = [], []
    for a in range(articles):
        slug = f"article-{a + 1:02d}"
        contributors.append(f"  a{a}: {{name: {{zh_Hans: 作者{a + 1}, en: Author {a + 1}}}, bio: {zh_paragraph(rng)[:40]}}}")
        entries.append(f"  - {{slug: {slug}, section: {'one' if a % 2 else 'two'}, authors: [a{a}]}}")
        paragraphs: list[str] = []
        for h in range(3):
            paragraphs.append(f"## 第{h + 1}节")
            paragraphs += [zh_paragraph(rng) for _ in range(rng.randint(2, 5))]
        paragraphs.insert(2, zh_paragraph(rng) + "[^1]")
        if pictures:
            for n in range(rng.randint(1, 3)):
                at = rng.randint(2, len(paragraphs))
                name = rng.choice(pictures)
                paragraphs.insert(at, f'![{"".join(rng.choice(HAN) for _ in range(8))}](images/{name} "{"".join(rng.choice(HAN) for _ in range(rng.randint(10, 40)))}")')
            if rng.random() < 0.3:
                rows = "\n".join(f"| {''.join(rng.choice(HAN) for _ in range(4))} | {rng.randint(10, 999)} | {rng.randint(1, 99)} |" for _ in range(rng.randint(3, 8)))
                paragraphs.insert(rng.randint(2, len(paragraphs)), "| 项目 | 数量 | 比例 |\n| --- | ---: | ---: |\n" + rows)
        paragraphs.append("[^1]: " + zh_paragraph(rng)[:80])
        (root / f"issues/{ISSUE}/articles/{slug}.md").write_text(
            f"---\ntitle: 第{a + 1}篇文章的标题\nabstract: {zh_paragraph(rng)[:90]}\n---\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
    (root / f"issues/{ISSUE}/issue.yaml").write_text(
        f"number: 1\ndate: {ISSUE}\ntitle: 基准一期\nsections:\n  - {{id: one, title: 专题}}\n  - {{id: two, title: 观察}}\n"
        "contributors:\n" + "\n".join(contributors) + "\narticles:\n" + "\n".join(entries) + "\n",
        encoding="utf-8",
    )


def translate(root: Path, rng: random.Random) -> None:
    """Fill every empty English msgstr (run after ``diglot update``)."""
    from diglot.catalog import pofile

    for path in sorted((root / "locale/en/LC_MESSAGES").rglob("*.po")):
        catalog = pofile.parse(path.read_text(encoding="utf-8"))
        for entry in catalog.entries:
            if not entry.msgstr:
                text = en_paragraph(rng) if len(entry.msgid) > 40 else " ".join(rng.choice(WORDS) for _ in range(4)).capitalize()
                entry.msgstr = text + ("[^1]" if "[^1]" in entry.msgid else "")
        path.write_text(pofile.dump(catalog), encoding="utf-8")
