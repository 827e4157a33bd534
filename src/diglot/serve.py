"""diglot serve: the draft web edition on this machine, rebuilt on change.

A :class:`DevServer` builds the draft web edition into ``build/serve/``,
serves ``build/serve/site/`` on a loopback address with the standard
library's threaded HTTP server, and watches the publication's sources
(``periodical.yaml``, ``issues/``, ``locale/``, ``templates/``) with
watchfiles in a background thread. Every change rebuilds; a failed rebuild
keeps the last good site served, prints its problems as the usual
``path:line:col: error:`` lines and shows them at the top of every page.

Pages reload by themselves: only while served from here, every HTML
response gets a small script before ``</body>`` that polls
``/__diglot__/version`` and reloads when the number changes; it changes
after every rebuild, successful or not. Nothing of this reaches the files
on disk: the templates and the built pages stay as ``diglot build`` makes
them.

The server answers only requests addressed to it by one of its own names
(:func:`own_authorities`); any other ``Host`` gets 421 Misdirected Request
and nothing of the site. Listening on loopback alone does not keep drafts
private: with DNS rebinding a page on another site can point its own host
name at 127.0.0.1 and read what the browser fetches from it, but the
browser still sends that other name as ``Host``.
"""

from __future__ import annotations

import html
import io
import ipaddress
import json
import os
import re
import socket
import threading
import time
import traceback
import urllib.parse
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from .errors import DiglotError, ProblemsFound

#: Where the draft edition is built, relative to the publication root.
SERVE_OUT = Path("build") / "serve"
#: The sources whose changes trigger a rebuild (top-level names under the root).
WATCHED = ("periodical.yaml", "issues", "locale", "templates")
#: The server's own URLs; nothing under it comes from the site folder.
PREFIX = "/__diglot__/"
VERSION_URL = PREFIX + "version"

Echo = Callable[..., None]  # echo(message, err=False)

RELOAD_SCRIPT = """<script data-diglot-serve>(function () {
  var version = %d;
  function poll() {
    fetch("%s", {cache: "no-store"})
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.version !== version) { location.reload(); } else { setTimeout(poll, 1000); }
      }, function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 1000);
})();</script>
"""

BANNER_STYLE = (
    "position:relative;z-index:2147483647;margin:0;padding:0.75em 1em;"
    "background:#fdecea;color:#611a15;border-bottom:3px solid #b3261e;"
    "font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left;"
)


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def own_authorities(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values that name a server listening on ``host``:``port`` (lowercase).

    127.0.0.1, localhost and [::1] with the port, and ``host`` itself when it
    is another loopback address. Without a port only on port 80, where
    browsers leave the port out.
    """
    names = {"127.0.0.1", "localhost", "[::1]"}
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        names.add(host.lower())
    else:
        names.add(f"[{address.compressed}]" if address.version == 6 else address.compressed)
    authorities = {f"{name}:{port}" for name in names}
    if port == 80:
        authorities |= names
    return frozenset(authorities)


def error_banner(errors: list[str]) -> bytes:
    items = "".join(f"<li>{html.escape(e, quote=False)}</li>" for e in errors)
    return (
        f'<div id="diglot-errors" role="alert" style="{BANNER_STYLE}">'
        f"<strong>diglot serve: the last rebuild failed; this is the last good build.</strong>"
        f'<ul style="margin:0.4em 0 0;padding-left:1.4em">{items}</ul></div>\n'
    ).encode("utf-8")


def inject(page: bytes, version: int, errors: list[str]) -> bytes:
    """``page`` with the reload script before ``</body>`` and, after a failed rebuild, the error banner."""
    script = (RELOAD_SCRIPT % (version, VERSION_URL)).encode("utf-8")
    end = page.lower().rfind(b"</body>")
    page = page[:end] + script + page[end:] if end >= 0 else page + script
    if errors:
        body = re.search(rb"<body\b[^>]*>", page, re.IGNORECASE)
        at = body.end() if body else 0
        page = page[:at] + error_banner(errors) + page[at:]
    return page


class _SourceFilter:
    """Accept changes to the publication's sources; ignore build/, hidden files and editor droppings."""

    def __init__(self, root: Path):
        import watchfiles

        self.root = root
        self.default = watchfiles.DefaultFilter()

    def __call__(self, change, path: str) -> bool:
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or parts[0] not in WATCHED or any(p.startswith(".") for p in parts):
            return False
        if parts[0] == "periodical.yaml" and len(parts) != 1:
            return False
        return self.default(change, path)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(SimpleHTTPRequestHandler):
    """Files from the site folder only, HTML with the reload script, and /__diglot__/version."""

    def __init__(self, *args, dev: "DevServer", **kwargs):
        self.dev = dev
        super().__init__(*args, **kwargs)

    def log_message(self, format, *args) -> None:  # the page polls every second: keep the terminal quiet
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        if self._misdirected() or self._own_url():
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._misdirected() or self._own_url():
            return
        super().do_HEAD()

    def _misdirected(self) -> bool:
        """Answer 421 unless the request names this server; True when it did.

        Exactly one ``Host`` header, one of the server's own names; a request
        target in absolute form (``GET http://host:port/...``) must name it too.
        A request without ``Host`` (only HTTP/1.0 clients may omit it) is refused
        alike: every browser and HTTP tool sends one.
        """
        own = own_authorities(self.dev.host, self.dev.port)
        hosts = [h.strip().lower() for h in self.headers.get_all("Host") or []]
        target = urllib.parse.urlsplit(self.path)
        named = hosts + ([target.netloc.lower()] if target.scheme else [])
        if len(hosts) == 1 and all(name in own for name in named):
            return False
        body = (
            f"421 Misdirected Request: diglot serve answers only to {', '.join(sorted(own))}; "
            f"open {self.dev.url}\n"
        ).encode()
        self.close_connection = True
        self.send_response(HTTPStatus.MISDIRECTED_REQUEST)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return True

    def _own_url(self) -> bool:
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(PREFIX):
            return False
        if path == VERSION_URL:
            version, errors = self.dev.state()
            self._send(HTTPStatus.OK, "application/json", json.dumps({"version": version, "errors": errors}, ensure_ascii=False).encode("utf-8"))
        else:
            self.send_error(HTTPStatus.NOT_FOUND)
        return True

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _inside_site(self, path: str) -> bool:
        site = os.path.realpath(self.directory)
        real = os.path.realpath(path)
        return real == site or real.startswith(site + os.sep)

    def send_head(self):
        path = self.translate_path(self.path)
        if not os.path.exists(path):
            # A rebuild swaps the site folder in: wait for it rather than answer 404 meanwhile.
            self.dev.wait_idle(timeout=30)
        if not self._inside_site(path):
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        page = None
        if os.path.isdir(path):
            if urllib.parse.urlsplit(self.path).path.endswith("/"):
                page = next((os.path.join(path, n) for n in ("index.html", "index.htm") if os.path.isfile(os.path.join(path, n))), None)
        elif path.endswith((".html", ".htm")) and os.path.isfile(path):
            page = path
        if page is None or not self._inside_site(page):
            return super().send_head()  # redirects, listings, 404s and every other file
        version, errors = self.dev.state()  # read before the file: at worst one reload too many
        body = None
        for attempt in range(2):
            try:
                with open(page, "rb") as f:
                    body = inject(f.read(), version, errors)
                break
            except OSError:  # swapped out under us by a rebuild: wait for the new site once
                self.dev.wait_idle(timeout=30)
        if body is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != HTTPStatus.NOT_FOUND:
            return super().send_error(code, message, explain)
        # A 404 page that reloads by itself too: after a failed first build it shows the errors.
        version, errors = self.dev.state()
        page = (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>404 Not Found</title></head><body>\n'
            f"<h1>404 Not Found</h1><p>{html.escape(urllib.parse.unquote(urllib.parse.urlsplit(self.path).path), quote=False)}</p>\n</body></html>\n"
        ).encode("utf-8")
        self.close_connection = True
        self._send(code, "text/html; charset=utf-8", inject(page, version, errors))


class DevServer:
    """Build the draft web edition, serve it on a loopback address, rebuild on change.

    ``start()`` builds once, starts serving and watching (two daemon threads)
    and returns; ``stop()`` ends both; ``rebuild()`` builds again at once.
    """

    def __init__(
        self,
        root: Path,
        port: int = 8000,
        languages: list[str] | None = None,
        *,
        host: str = "127.0.0.1",
        echo: Echo | None = None,
        quiet: bool = False,
        debug: bool = False,
    ):
        if not is_loopback(host):
            raise DiglotError(None, f"'{host}' is not a loopback address; diglot serve only serves this machine (127.0.0.1)")
        self.root = Path(root).resolve()
        self.out = self.root / SERVE_OUT
        self.site = self.out / "site"
        self.host = host
        self.port = port
        self.languages = list(languages) if languages else None
        self.echo = echo or _default_echo
        self.quiet = quiet
        self.debug = debug
        self._lock = threading.Lock()  # one build at a time
        self._pdf_lock = threading.Lock()  # one background PDF build at a time
        self._state_lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = threading.Event()
        self._watching = threading.Event()
        self._version = 0
        self._errors: list[str] = []
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # --- state -----------------------------------------------------------

    def state(self) -> tuple[int, list[str]]:
        """The build version (bumped after each rebuild) and the errors of the last one."""
        with self._state_lock:
            return self._version, list(self._errors)

    @property
    def version(self) -> int:
        return self.state()[0]

    @property
    def errors(self) -> list[str]:
        return self.state()[1]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def wait_idle(self, timeout: float | None = None) -> bool:
        return self._idle.wait(timeout)

    # --- building --------------------------------------------------------

    def rebuild(self) -> bool:
        """Build the draft web edition; report problems; bump the version. True when it succeeded."""
        from .build.builder import BuildOptions, build

        options = BuildOptions(languages=self.languages, formats=("html",), draft=True, out=self.out)
        with self._lock:
            self._idle.clear()
            started = time.monotonic()
            errors: list[str] = []
            try:
                result = build(self.root, options)
            except ProblemsFound as exc:
                for problem in exc.problems:
                    self.echo(str(problem), err=True)
                errors = [str(p) for p in exc.problems if p.severity == "error"] or [f"error: {exc}"]
            except DiglotError as exc:
                self.echo(str(exc), err=True)
                errors = [str(exc)]
            except Exception as exc:  # a bug must not stop the server: report it like the CLI does
                if self.debug:
                    traceback.print_exc()
                errors = [f"error: internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)"]
                self.echo(errors[0], err=True)
            else:
                for problem in result.problems:
                    self.echo(str(problem), err=True)
            finally:
                self._idle.set()
            with self._state_lock:
                self._version += 1
                self._errors = errors
            elapsed = time.monotonic() - started
            if errors:
                what = "the first build" if not self.site.is_dir() else "the last good build"
                self.echo(f"rebuild failed ({len(errors)} error{'s' if len(errors) != 1 else ''}); serving {what}", err=True)
            elif not self.quiet:
                self.echo(f"built the draft web edition in {elapsed:.1f} s")
            return not errors

    def refresh_pdfs(self, issue_ids: list[str]) -> threading.Thread | None:
        """Render the draft PDFs of the issues being edited again, in the background, once the page has
        reloaded; the served site offers them as soon as they are done. Returns the thread (None: nothing to do)."""
        if not issue_ids or self._stopping.is_set():
            return None
        thread = threading.Thread(target=self._render_pdfs, args=(issue_ids,), name="diglot-serve-pdf", daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def _render_pdfs(self, issue_ids: list[str]) -> None:
        from .build.builder import BuildOptions, build

        options = BuildOptions(issues=issue_ids, languages=self.languages, formats=("pdf", "parallel"), draft=True, out=self.out, jobs=1)
        with self._pdf_lock:  # one at a time; a later change waits for the one under way
            try:
                result = build(self.root, options)
            except (ProblemsFound, DiglotError) as exc:
                if not self.quiet:
                    self.echo(f"the print editions of {', '.join(issue_ids)} were not rendered: {exc}", err=True)
                return
            except Exception as exc:  # a bug must not stop the server
                self.echo(f"error: internal error rendering PDFs: {type(exc).__name__}: {exc}", err=True)
                return
            # The served site links its PDFs (made by the web build); point them at the new ones.
            for rel in result.written:
                name = Path(rel).name
                if not name.endswith(".pdf") or not self.site.is_dir():
                    continue
                target = self.site / "pdf" / name
                target.parent.mkdir(exist_ok=True)
                temporary = target.with_name(f".{name}.{os.getpid()}")
                temporary.unlink(missing_ok=True)
                os.link(self.out / "pdf" / name, temporary)
                os.replace(temporary, target)
            if not self.quiet and result.written:
                self.echo(f"rendered the draft PDFs of {', '.join(issue_ids)}")

    # --- running ---------------------------------------------------------

    def start(self) -> None:
        """Listen, build once, then serve and watch in background threads."""
        server_class = _HTTPServer6 if ":" in self.host else _HTTPServer
        handler = partial(_Handler, directory=str(self.site), dev=self)
        try:
            self._httpd = server_class((self.host, self.port), handler)
        except OSError as exc:
            raise DiglotError(None, f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}; choose another --port, or --port 0 for a free one") from None
        self.port = self._httpd.server_address[1]
        try:
            self.rebuild()
            serving = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2}, name="diglot-serve-http", daemon=True)
            serving.start()
            self._threads.append(serving)
            watching = threading.Thread(target=self._watch, name="diglot-serve-watch", daemon=True)
            watching.start()
            self._threads.append(watching)
            if not self._watching.wait(10):
                self.echo("warning: the file watcher did not start; pages will not rebuild on change", err=True)
        except BaseException:
            self.stop()
            raise

    def wait(self) -> None:
        """Block until ``stop()`` (Ctrl-C raises KeyboardInterrupt here)."""
        while not self._stopping.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop watching and serving; idempotent."""
        self._stopping.set()
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            if any(t.name == "diglot-serve-http" and t.is_alive() for t in self._threads):
                httpd.shutdown()
            httpd.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=30)
        self._threads = [t for t in self._threads if t.is_alive()]

    def _watch(self) -> None:
        import watchfiles

        paths = [self.root]
        try:
            for changes in watchfiles.watch(
                *paths,
                watch_filter=_SourceFilter(self.root),
                stop_event=self._stopping,
                rust_timeout=300,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                self._watching.set()
                if not changes or self._stopping.is_set():
                    continue
                names = sorted({Path(path).relative_to(self.root).as_posix() for _, path in changes})
                if not self.quiet:
                    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
                    self.echo(f"changed: {shown}; rebuilding")
                if self.rebuild():
                    self.refresh_pdfs(_issues_of(names))
        except Exception as exc:  # never take the server down with the watcher
            if not self._stopping.is_set():
                self.echo(f"error: watching for changes failed: {type(exc).__name__}: {exc}", err=True)
        finally:
            self._watching.set()


def _issues_of(names: list[str]) -> list[str]:
    """The issues that changed files belong to: their folder, or their catalogs."""
    found = []
    for name in names:
        parts = name.split("/")
        if len(parts) > 2 and parts[0] == "issues":
            issue = parts[1]
        elif len(parts) > 4 and parts[0] == "locale" and parts[2] == "LC_MESSAGES":
            issue = parts[3]
        else:
            continue
        if issue not in found:
            found.append(issue)
    return found


def _default_echo(message: str, err: bool = False) -> None:
    import click

    click.echo(message, err=err)
