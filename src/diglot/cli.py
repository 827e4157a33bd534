"""The command line: thin commands calling the library.

Problems in the input become ``path:line:col: error: message`` lines and
exit status 1; wrong use of the command line exits with 2 (click). A Python
traceback only appears with ``--debug``.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from . import __version__
from .build.cache import DEFAULT_FORMATS, FORMATS, PARALLEL_LAYOUTS, PDF_VARIANTS
from .errors import DiglotError, Problems, ProblemsFound


class Context:
    def __init__(self, root: Path | None, debug: bool, quiet: bool):
        self._root = root
        self.debug = debug
        self.quiet = quiet

    @property
    def root(self) -> Path:
        if self._root is not None:
            if not (self._root / "periodical.yaml").is_file():
                raise DiglotError(None, f"{self._root} holds no periodical.yaml")
            return self._root.resolve()
        return find_root(Path.cwd())


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding periodical.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "periodical.yaml").is_file():
            return folder
    raise DiglotError(None, f"no periodical.yaml in {start} or any folder above it; run 'diglot init DIR' or pass --root")


def echo_problems(problems: Problems | list) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


def handle_errors(func):
    """Turn diglot's exceptions into messages and exit codes."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        debug = ctx.find_object(Context).debug if ctx.find_object(Context) else False
        try:
            return func(*args, **kwargs)
        except ProblemsFound as exc:
            echo_problems(exc.problems)
            click.echo(f"diglot: {exc}", err=True)
            sys.exit(1)
        except DiglotError as exc:
            if debug:
                raise
            click.echo(str(exc), err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debug:
                raise
            click.echo(f"error: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)", err=True)
            sys.exit(1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="diglot")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="The publication folder (default: the nearest folder above holding periodical.yaml).")
@click.option("--debug", is_flag=True, help="Show Python tracebacks.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars, no list of files written.")
@click.pass_context
def main(ctx: click.Context, root: Path | None, debug: bool, quiet: bool) -> None:
    """diglot: a bilingual periodical from YAML, Markdown and gettext catalogs.

    \b
    Example:
      diglot init my-magazine && cd my-magazine
      diglot update && diglot build
    """
    ctx.obj = Context(root, debug, quiet)


def _read(ctx: Context, issues: tuple[str, ...]):
    from .source.manifest import read_publication

    return read_publication(ctx.root, list(issues) or None)


def _languages(periodical, lang: tuple[str, ...]) -> list[str]:
    for value in lang:
        if value not in periodical.languages:
            raise click.BadParameter(f"'{value}' is not one of the periodical's languages ({', '.join(periodical.languages)})", param_hint="-l/--lang")
    return list(lang) or list(periodical.languages)


@main.command()
@click.argument("issues", nargs=-1)
@click.pass_obj
@handle_errors
def validate(ctx: Context, issues: tuple[str, ...]) -> None:
    """Check manifests, articles, pictures and catalogs; list every problem.

    Ends with the parity report: every block without a counterpart in the
    other language of the parallel edition (untranslated, or a translation
    whose structure differs from its source), as warnings.

    \b
    Example:
      diglot validate            # the whole publication
      diglot validate 2026-10    # one issue
    """
    from .catalog.catalogs import validate_catalogs
    from .catalog.glossary import read_glossary

    periodical, problems = _read(ctx, issues)
    count = validate_catalogs(periodical.root, problems)
    read_glossary(periodical.root, periodical.languages, problems)
    parity = None
    if not problems.errors:  # the parity report needs readable articles and catalogs
        from .render.parallel import report

        parity = report(periodical, [i.id for i in periodical.issues])
        for mismatch in parity.mismatches:
            problems.warning(mismatch.location, mismatch.message)
    echo_problems(problems)
    if parity is not None:
        click.echo(parity.summary())
    errors, warnings = len(problems.errors), len(problems.warnings)
    articles = sum(len(i.articles) for i in periodical.issues)
    summary = f"{len(periodical.issues)} issue(s), {articles} article(s), {count} catalog(s): {errors} error(s), {warnings} warning(s)"
    click.echo(summary, err=bool(errors))
    if errors:
        sys.exit(1)


@main.command()
@click.argument("issues", nargs=-1)
@click.pass_obj
@handle_errors
def extract(ctx: Context, issues: tuple[str, ...]) -> None:
    """Write the message templates (.pot) under locale/pot/.

    \b
    Example:
      diglot extract
    """
    from .catalog.update import run

    report = run(ctx.root, list(issues) or None, languages=[])
    _report(report, ctx.quiet)


@main.command()
@click.argument("issues", nargs=-1)
@click.option("-l", "--lang", multiple=True, help="Only this language (repeatable).")
@click.pass_obj
@handle_errors
def update(ctx: Context, issues: tuple[str, ...], lang: tuple[str, ...]) -> None:
    """Extract, then create or merge the .po catalogs; never loses a translation.

    Changed blocks keep their old translation marked fuzzy (with the previous
    msgid); new blocks are filled from the translation memory (every other
    catalog of the language, then the TMX files kept by 'diglot memory
    import', which also fill untranslated messages) where it has them; removed blocks become
    obsolete (#~). A catalog that does not parse is reported and left alone.

    \b
    Example:
      diglot update
      diglot update 2026-10 -l en
    """
    from .catalog.update import run
    from .source.manifest import read_publication

    root = ctx.root
    periodical, _ = read_publication(root, only=[])  # problems are reported by run() below
    report = run(root, list(issues) or None, languages=_languages(periodical, lang))
    _report(report, ctx.quiet)


def _report(report, quiet: bool = False) -> None:
    if not quiet:
        for rel in report.written:
            click.echo(f"wrote {rel}")
    echo_problems(report.problems)
    c = report.counts
    summary = f"{len(report.written)} file(s) written, {report.unchanged} unchanged"
    details = [f"{c.fuzzy} changed, now fuzzy" if c.fuzzy else "", f"{c.memory_exact + c.memory_fuzzy} from memory" if c.memory_exact + c.memory_fuzzy else "",
               f"{c.obsolete} obsolete" if c.obsolete else "", f"{c.new} new" if c.new else ""]
    details = [d for d in details if d]
    if details:
        summary += " (" + ", ".join(details) + ")"
    click.echo(summary)
    if report.problems.errors:
        sys.exit(1)


def _units_and_languages(ctx: Context, issues: tuple[str, ...], lang: tuple[str, ...]):
    from .catalog.catalogs import collect_units
    from .source.manifest import read_publication

    periodical, problems = read_publication(ctx.root, list(issues) or None)
    problems.raise_if_errors()
    languages = _languages(periodical, lang)
    return periodical, collect_units(periodical, with_shared=not issues), languages, problems


@main.command()
@click.argument("issues", nargs=-1)
@click.option("-l", "--lang", multiple=True, help="Only this language (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see README).")
@click.pass_obj
@handle_errors
def stats(ctx: Context, issues: tuple[str, ...], lang: tuple[str, ...], as_json: bool) -> None:
    """How far each edition is: translated, fuzzy and untranslated messages and source words.

    Per catalog, per issue and per language, then per translator assigned
    in issue.yaml (an article with two translators counts for both;
    "(unassigned)" sums articles nobody is assigned to). Fuzzy never counts
    as translated; Han characters count one word each.

    \b
    Example:
      diglot stats
      diglot stats 2026-10 -l en --json
    """
    from .catalog import stats as stats_module

    periodical, units, languages, problems = _units_and_languages(ctx, issues, lang)
    result = stats_module.compute(periodical.root, units, languages, problems, issues=periodical.issues)
    echo_problems(problems)
    if as_json:
        click.echo(json.dumps(stats_module.as_json(result), ensure_ascii=False, indent=2))
    else:
        _print_stats(result)
    if problems.errors:
        sys.exit(1)


def _print_stats(result) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=160)  # a pipe or a file: never truncate catalog names
    for stats in result:
        table = Table(title=f"{stats.lang}", title_justify="left", show_edge=False, pad_edge=False)
        table.add_column("catalog", no_wrap=True)
        table.add_column("messages (translated / fuzzy / untranslated)", justify="right", no_wrap=True)
        table.add_column("source words (same)", justify="right", no_wrap=True)
        table.add_column("%", justify="right", no_wrap=True)

        def row(label, counts, style=None):
            table.add_row(
                label,
                f"{counts.translated} / {counts.fuzzy} / {counts.untranslated}",
                f"{counts.words_translated} / {counts.words_fuzzy} / {counts.words_untranslated}",
                f"{counts.percent:.1f}",
                style=style,
            )

        issues = stats.issues()
        current = None
        for catalog in stats.catalogs:
            if catalog.issue != current and current is not None and current in issues:
                row(f"issue {current}", issues[current], "bold")
            current = catalog.issue
            row(catalog.domain, catalog.counts)
        if current is not None and current in issues:
            row(f"issue {current}", issues[current], "bold")
        table.add_section()
        row(f"all {stats.lang}", stats.total, "bold")
        console.print(table)
        console.print()
    _print_translators(console, result)


def _print_translators(console, result) -> None:
    from rich.table import Table

    if not any(stats.translators for stats in result):
        return
    table = Table(title="by translator", title_justify="left", show_edge=False, pad_edge=False)
    for name in ("translator", "language", "articles"):
        table.add_column(name, no_wrap=True, justify="right" if name == "articles" else "left")
    table.add_column("messages (translated / fuzzy / untranslated)", justify="right", no_wrap=True)
    table.add_column("source words (same)", justify="right", no_wrap=True)
    table.add_column("%", justify="right", no_wrap=True)
    for stats in result:
        for person in stats.translators:
            c = person.counts
            table.add_row(
                person.label,
                stats.lang,
                str(len(person.articles)),
                f"{c.translated} / {c.fuzzy} / {c.untranslated}",
                f"{c.words_translated} / {c.words_fuzzy} / {c.words_untranslated}",
                f"{c.percent:.1f}",
            )
    console.print(table)


@main.command()
@click.argument("issues", nargs=-1)
@click.option("-l", "--lang", multiple=True, help="Only this language (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see README).")
@click.pass_obj
@handle_errors
def check(ctx: Context, issues: tuple[str, ...], lang: tuple[str, ...], as_json: bool) -> None:
    """Translation quality checks; exits 1 when any error is found.

    \b
    Errors:   markup (links, pictures, footnote references, code spans,
              emphasis), placeholders in theme strings, raw HTML.
    Warnings: numbers, punctuation of the wrong width, leading/trailing
              whitespace, unchanged copies of the source, odd lengths.
    Glossary: a forbidden rendering of a glossary.yaml term is an error;
              a translation lacking the approved one, a warning.

    \b
    Example:
      diglot check -l zh_Hans
      diglot check --json > check.json
    """
    from .catalog import checks
    from .catalog.glossary import read_glossary

    periodical, units, languages, problems = _units_and_languages(ctx, issues, lang)
    glossary = read_glossary(periodical.root, periodical.languages, problems)
    findings = checks.run(periodical.root, units, languages, problems, glossary)
    echo_problems(problems)
    errors = sum(1 for f in findings if f.severity == "error") + len(problems.errors)
    warnings = sum(1 for f in findings if f.severity == "warning")
    if as_json:
        click.echo(json.dumps({"errors": errors, "warnings": warnings, "findings": [f.as_json() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{errors} error(s), {warnings} warning(s)", err=bool(errors))
    if errors:
        sys.exit(1)


@main.group()
def memory() -> None:
    """Translation memories in TMX 1.4: export the publication's, import others'.

    \b
    Example:
      diglot memory export creative2030.tmx -l en
      diglot memory import ~/acme-memoq.tmx --name acme
    """


@memory.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("issues", nargs=-1)
@click.option("-l", "--lang", multiple=True, help="Only translations into this language (repeatable).")
@click.pass_obj
@handle_errors
def memory_export(ctx: Context, file: Path, issues: tuple[str, ...], lang: tuple[str, ...]) -> None:
    """Write every translated, non-fuzzy message (of the ISSUEs named, or all catalogs) as TMX 1.4 to FILE.

    \b
    Example:
      diglot memory export creative2030.tmx
      diglot memory export 2026-10.en.tmx -l en 2026-10
    """
    from .catalog.memory import export_tmx
    from .fsutil import atomic_write
    from .source.manifest import read_publication

    root = ctx.root
    periodical, problems = read_publication(root, list(issues) or [], articles=False)
    if issues:
        problems.raise_if_errors()
    exported = export_tmx(root, _languages(periodical, lang), periodical.default_language, list(issues) or None)
    atomic_write(file, exported.data)
    click.echo(f"wrote {file} ({exported.units} translation units)")


@memory.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Keep it as locale/memory/NAME.tmx (default: the file's name; a-z, 0-9 and -).")
@click.pass_obj
@handle_errors
def memory_import(ctx: Context, file: Path, name: str | None) -> None:
    """Check a TMX file (from diglot, memoQ, Trados Studio, ...) and keep it in locale/memory/ for 'diglot update'.

    \b
    Example:
      diglot memory import ~/Downloads/ACME-memoQ.tmx --name acme
    """
    from .catalog.memory import NAME_RE, import_tmx, memory_name
    from .source.manifest import read_publication

    if name is not None and not NAME_RE.match(name):
        raise click.BadParameter(f"'{name}' is not a memory name; use lowercase letters, digits and '-'", param_hint="--name")
    name = name or memory_name(file.stem)
    if not name:
        raise click.BadParameter(f"no memory name can be made of '{file.name}'; pass one", param_hint="--name")
    root = ctx.root
    periodical, _ = read_publication(root, only=[], articles=False)
    problems = Problems()
    rel, usable = import_tmx(root, file, name, str(file), list(periodical.languages), problems)
    problems.raise_if_errors()
    echo_problems(problems)
    click.echo(f"kept {file} as {rel} ({usable} translation units in the publication's languages); 'diglot update' uses it")


@main.command()
@click.argument("issues", nargs=-1)
@click.option("-l", "--lang", multiple=True, help="Only this language's editions (repeatable).")
@click.option("--format", "formats", default=DEFAULT_FORMATS, show_default=True, help="Comma-separated: html, pdf, parallel.")
@click.option("--draft", is_flag=True, help="Show the source text where a translation is missing or fuzzy, marked.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: build/ in the publication).")
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    help="PDF/A-3b for archives, tagged PDF/UA-1 for accessibility, PDF/X-4 or PDF/X-1a press files in CMYK for the printer (slower); default: plain PDF.",
)
@click.option(
    "--parallel-layout",
    type=click.Choice(PARALLEL_LAYOUTS),
    help="Parallel edition: two columns a page, or facing pages (source left, translation right); default: print.parallel_layout, else columns.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None,
    help="Render the PDFs in this many processes (default: the number of cores); the output is the same for any number.",
)
@click.pass_obj
@handle_errors
def build(
    ctx: Context,
    issues: tuple[str, ...],
    lang: tuple[str, ...],
    formats: str,
    draft: bool,
    out: Path | None,
    pdf_variant: str | None,
    parallel_layout: str | None,
    jobs: int | None,
) -> None:
    """Render the web, print and parallel editions into build/.

    A release build (the default) refuses an edition with untranslated or
    fuzzy messages and lists them; --draft falls back to the source text.
    Every build ends with the parity report: blocks that have no counterpart
    in the other language of the parallel edition. The PDFs it makes are
    preflighted as they are laid out (see 'diglot preflight'): a release
    build fails on a preflight error, a draft build prints it and goes on.
    A PDF whose inputs (its issue, its languages' catalogs, settings, theme,
    fonts, diglot's code) did not change is neither rendered nor written
    again; the others render in --jobs processes.

    \b
    Example:
      diglot build --draft --format html
      diglot build 2026-10 -l en --format pdf
      diglot build --format pdf --pdf-variant pdf/ua-1
      diglot build --format pdf --pdf-variant pdf/x-4
      diglot build --format parallel --parallel-layout facing
    """
    from .build.cache import State, options_key

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    for name in wanted:
        if name not in FORMATS:
            raise click.BadParameter(f"unknown format '{name}'; choose from {', '.join(FORMATS)}", param_hint="--format")
    root = ctx.root
    state = State(root, out or root / "build", options_key(issues, lang, wanted, draft, pdf_variant, parallel_layout))
    if state.fresh():
        click.echo("nothing changed since the last build: sources, catalogs, templates and output are as it left them")
        return

    from .build.builder import BuildOptions
    from .build.builder import build as run_build

    options = BuildOptions(
        issues=list(issues) or None,
        languages=list(lang) or None,
        formats=wanted,
        draft=draft,
        out=out,
        pdf_variant=pdf_variant,
        parallel_layout=parallel_layout,
        jobs=jobs,
    )
    progress_cm, progress = _progress(ctx)
    with progress_cm:
        result = run_build(root, options, progress)
    echo_problems(result.problems)
    echo_problems(result.preflight)
    if result.preflight.errors:
        count = len(result.preflight.errors)
        click.echo(f"preflight: {count} error(s) in the print editions; a release build fails on them", err=True)
    if not ctx.quiet:
        click.echo(result.parity.summary())
        for rel in result.written:
            click.echo(f"wrote {rel}")
        if result.kept:
            click.echo(f"kept {len(result.kept)} PDF(s) whose inputs did not change")
    state.save()


def _progress(ctx: Context):
    """A rich progress display on a terminal, nothing otherwise."""
    from contextlib import nullcontext

    if ctx.quiet or not sys.stderr.isatty():
        return nullcontext(), lambda description, total: (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True))

    def add(description: str, total: int):
        task = bars.add_task(description, total=total)
        return lambda: bars.advance(task)

    return bars, add


@main.command()
@click.argument("issues", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (see README).")
@click.pass_obj
@handle_errors
def preflight(ctx: Context, issues: tuple[str, ...], as_json: bool) -> None:
    """Lay out every print edition and report what a printer would reject.

    Each language's print edition and the parallel edition of each issue are
    laid out as 'diglot build' lays them out (nothing is written) and
    checked; each finding is located where the fix goes. Exits 1 on errors.

    \b
    Errors:   a picture below 150 ppi at its printed size, a character no
              font can draw, text or a table wider than its column, a font
              not embedded in the PDF.
    Warnings: a picture below 300 ppi.

    \b
    Example:
      diglot preflight
      diglot preflight 2026-10 --json > preflight.json
    """
    from .build.preflight import run as run_preflight

    progress_cm, progress = _progress(ctx)
    with progress_cm:
        report = run_preflight(ctx.root, list(issues) or None, progress)
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for finding, _ in report.findings:
            click.echo(str(finding))
        click.echo(report.summary(), err=bool(report.errors))
    if report.errors:
        sys.exit(1)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="TCP port; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address: the draft is never served to the network.")
@click.option("-l", "--lang", multiple=True, help="Only this language's edition (repeatable).")
@click.pass_obj
@handle_errors
def serve(ctx: Context, port: int, host: str, lang: tuple[str, ...]) -> None:
    """Serve the draft web edition on this machine; rebuild on change, reload the page.

    Builds build/serve/ like 'diglot build --draft --format html', then
    watches periodical.yaml, issues/, locale/ and templates/. When a rebuild
    fails its errors are printed here and shown at the top of the page, and
    the last good build stays served. Ctrl-C stops.

    \b
    Example:
      diglot serve
      diglot serve --port 0 -l en
    """
    from .serve import DevServer, is_loopback
    from .source.manifest import read_publication

    if not is_loopback(host):
        raise click.BadParameter(f"'{host}' is not a loopback address; the draft edition is only served on this machine (127.0.0.1 or ::1)", param_hint="--host")
    root = ctx.root
    periodical, _ = read_publication(root, only=[]) if lang else (None, None)
    languages = _languages(periodical, lang) if lang and periodical.languages else list(lang)  # a broken periodical.yaml: the page says why
    server = DevServer(root, port, languages, host=host, quiet=ctx.quiet, debug=ctx.debug)
    try:
        server.start()
        click.echo(f"serving the draft web edition at {server.url} (Ctrl-C stops)")
        server.wait()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.stop()


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@handle_errors
def init(directory: Path) -> None:
    """Create a new publication with one example issue, ready to build.

    \b
    Example:
      diglot init my-magazine
      cd my-magazine && diglot build
    """
    from .scaffold import init_publication

    init_publication(directory)
    click.echo(f"created {directory}/ — next: cd {directory} && diglot build")


@main.command("new-issue")
@click.argument("issue_id")
@click.option("--number", type=int, help="Issue number (default: one more than the highest).")
@click.option("--date", "date", help="YYYY-MM-DD or YYYY-MM (default: today).")
@click.pass_obj
@handle_errors
def new_issue(ctx: Context, issue_id: str, number: int | None, date: str | None) -> None:
    """Scaffold issues/ISSUE_ID/issue.yaml and a first article.

    \b
    Example:
      diglot new-issue 2027-04 --date 2027-04
    """
    from .scaffold import new_issue as scaffold_issue

    written = scaffold_issue(ctx.root, issue_id, number=number, date=date)
    for rel in written:
        click.echo(f"wrote {rel}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@handle_errors
def doctor(as_json: bool) -> None:
    """Check fonts, HarfBuzz subsetting, Pango and WeasyPrint; say what to install.

    \b
    Example:
      diglot doctor
    """
    from .doctor import diagnose

    findings = diagnose()
    if as_json:
        click.echo(json.dumps([f.__dict__ for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            mark = "ok  " if f.ok else "FAIL"
            line = f"{mark} {f.what}: {f.detail}"
            if f.fix:
                line += f"\n     fix: {f.fix}"
            click.echo(line)
    if not all(f.ok for f in findings):
        sys.exit(1)


if __name__ == "__main__":
    main()
