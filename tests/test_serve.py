"""diglot serve: the draft web edition served locally, rebuilt on change, reloaded in the page."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from diglot.serve import DevServer, own_authorities

from .conftest import REPO, copy_publication, pdftotext, run

PAGE = "/en/2026-10/editors-note/index.html"
CATALOG = "locale/en/LC_MESSAGES/2026-10/editors-note.po"
OLD_TEXT = "It Starts with a Mended Chair"
NEW_TEXT = "It Starts with a Chair Mended Twice"
# How long a wait for the server's state may take (s): generous, for a loaded machine.
TIMEOUT = 30.0


def fetch(server: DevServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=TIMEOUT) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def raw_request(server: DevServer, path: str, hosts: list[str], method: str = "GET") -> http.client.HTTPResponse:
    """``method path`` sent exactly as written, with these ``Host`` headers (none, one or more); the response read."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for host in hosts:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()


def raw_get(server: DevServer, path: str) -> tuple[int, bytes]:
    """A request with the path sent exactly as written (urllib would not normalise it, but be sure)."""
    response = raw_request(server, path, [f"127.0.0.1:{server.port}"])
    return response.status, response.body


def version(server: DevServer) -> dict:
    status, body = fetch(server, "/__diglot__/version")
    assert status == 200
    return json.loads(body)


def wait_for(condition, what: str, timeout: float = TIMEOUT):
    """The first true value of ``condition()``, polled until the deadline.

    ``condition`` reads the very state the test then asserts (a page, the
    build version and its errors), never a stand-in for it.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def build_after(server: DevServer, before: int, done) -> dict | None:
    """The server's build state once a build newer than ``before`` satisfies ``done(state)``, else None.

    A save can reach the watcher as more than one batch of changes, each a
    rebuild: wait for the build that shows the change, not the next one.
    """
    state = version(server)
    return state if state["version"] > before and done(state) else None


@pytest.fixture
def lines():
    return []


@pytest.fixture
def publication(tmp_path) -> Path:
    return copy_publication(REPO, tmp_path / "pub")


@pytest.fixture
def start_server(publication, lines):
    servers: list[DevServer] = []

    def start(**kwargs) -> DevServer:
        server = DevServer(publication, 0, **kwargs, echo=lambda message, err=False: lines.append(message))
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()
    for server in servers:
        assert not any(t.is_alive() for t in server._threads), "a server thread outlived stop()"


def test_serves_rebuilds_reloads_and_shows_errors(publication, start_server, lines):
    server = start_server()
    assert server.port != 0 and server.url == f"http://127.0.0.1:{server.port}/"
    assert (publication / "build/serve/site/en/2026-10/editors-note/index.html").is_file()

    status, page = fetch(server, PAGE)
    assert status == 200
    assert '<html lang="en">' in page and OLD_TEXT in page
    assert "data-diglot-serve" in page and "/__diglot__/version" in page and "location.reload()" in page
    assert page.index("data-diglot-serve") < page.rindex("</body>")
    assert "diglot-errors" not in page
    on_disk = (publication / "build/serve/site" / PAGE.lstrip("/")).read_text(encoding="utf-8")
    assert "data-diglot-serve" not in on_disk  # injected while serving only
    start = version(server)
    assert start["errors"] == []

    # A translator edits a message: the site is rebuilt and the version moves on.
    catalog = publication / CATALOG
    text = catalog.read_text(encoding="utf-8")
    assert f'msgstr "{OLD_TEXT}"' in text
    catalog.write_text(text.replace(f'msgstr "{OLD_TEXT}"', f'msgstr "{NEW_TEXT}"'), encoding="utf-8")
    wait_for(lambda: version(server)["version"] > start["version"], "a rebuild after the catalog changed")
    wait_for(lambda: NEW_TEXT in fetch(server, PAGE)[1], "the new translation on the page")
    after_edit = version(server)  # read after the build that shows the change
    assert after_edit["errors"] == []

    # An editor misspells a key: the errors show on the page over the last good build.
    manifest = publication / "issues/2026-10/issue.yaml"
    good = manifest.read_text(encoding="utf-8")
    manifest.write_text(good.replace("volume: 1\n", "volume: 1\ndescripton: x\n"), encoding="utf-8")
    broken = wait_for(lambda: build_after(server, after_edit["version"], lambda v: any("descripton" in e for e in v["errors"])), "a failed rebuild")
    assert any(e.startswith("issues/2026-10/issue.yaml:") and "unknown key 'descripton'" in e for e in broken["errors"]), broken
    status, page = fetch(server, PAGE)
    assert status == 200
    assert 'id="diglot-errors"' in page
    banner = page[page.index('id="diglot-errors"'):]
    banner = banner[: banner.index("</div>")]
    assert "issues/2026-10/issue.yaml:" in banner and "unknown key 'descripton'" in banner
    assert NEW_TEXT in page and "data-diglot-serve" in page  # still the last good build, still reloading
    assert any("issues/2026-10/issue.yaml:" in line and "error: unknown key 'descripton'" in line for line in lines), lines

    # Fixed: the next rebuild succeeds and the banner goes away.
    manifest.write_text(good, encoding="utf-8")
    fixed = wait_for(lambda: build_after(server, broken["version"], lambda v: not v["errors"]), "a successful rebuild after the fix")
    assert fixed["errors"] == []
    status, page = fetch(server, PAGE)
    assert status == 200 and "diglot-errors" not in page and NEW_TEXT in page


def test_never_serves_files_outside_the_site(publication, start_server):
    server = start_server()
    secret = (publication / "periodical.yaml").read_bytes()
    for path in ("/../periodical.yaml", "/%2e%2e/periodical.yaml", "/en/../../periodical.yaml", "/en/..%2f..%2fperiodical.yaml",
                 "/../../build/serve/site/../../../periodical.yaml", "//etc/passwd", "/__diglot__/../../periodical.yaml"):
        status, body = raw_get(server, path)
        assert status == 404, (path, status)
        assert secret not in body and b"issn" not in body, path
    status, _ = raw_get(server, "/__diglot__/nothing")
    assert status == 404
    status, body = raw_get(server, "/assets/web.css")
    assert status == 200 and b"data-diglot-serve" not in body  # only HTML gets the script


def test_answers_only_its_own_host_names(publication, start_server):
    """DNS rebinding: a page on evil.example points its name at 127.0.0.1; the browser still sends its Host."""
    server = start_server()
    port = server.port
    draft = OLD_TEXT.encode()
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", f"LocalHost:{port}"):
        response = raw_request(server, PAGE, [host])
        assert response.status == 200, host
        assert draft in response.body and b"data-diglot-serve" in response.body, host
    assert json.loads(raw_request(server, "/__diglot__/version", [f"localhost:{port}"]).body)["errors"] == []

    other_port = 1 if port != 1 else 2
    refused = [
        [f"evil.example:{port}"],
        ["evil.example"],
        [f"localhost.evil.example:{port}"],
        [f"127.0.0.1.nip.io:{port}"],
        [f"localhost:{other_port}"],  # another server's name, on this one's socket
        ["127.0.0.1"],  # no port means port 80
        ["localhost"],
        [],  # no Host at all
        [f"127.0.0.1:{port}", f"evil.example:{port}"],  # two
    ]
    for hosts in refused:
        for path in (PAGE, "/", "/en/", "/assets/web.css", "/__diglot__/version", "/nothing-here"):
            response = raw_request(server, path, hosts)
            assert response.status == 421, (hosts, path, response.status)
            assert response.getheader("Content-Type") == "text/plain; charset=utf-8"
            assert response.body.startswith(b"421 Misdirected Request: diglot serve answers only to ")
            assert len(response.body) < 300
            assert draft not in response.body and b"<" not in response.body and b"version" not in response.body, (hosts, path)
    head = raw_request(server, PAGE, [f"evil.example:{port}"], method="HEAD")
    assert head.status == 421 and head.body == b""
    # A target in absolute form names the host too.
    response = raw_request(server, f"http://evil.example:{port}{PAGE}", [f"127.0.0.1:{port}"])
    assert response.status == 421 and draft not in response.body
    # The refusal says where the draft is.
    assert raw_request(server, "/", [f"evil.example:{port}"]).body.decode() == (
        f"421 Misdirected Request: diglot serve answers only to 127.0.0.1:{port}, [::1]:{port}, localhost:{port}; "
        f"open http://127.0.0.1:{port}/\n"
    )


def test_own_host_names():
    assert own_authorities("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert own_authorities("127.0.0.2", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000", "127.0.0.2:8000"}
    assert "[::1]:8000" in own_authorities("0:0:0:0:0:0:0:1", 8000)
    # Browsers leave out port 80, and only port 80.
    assert own_authorities("127.0.0.1", 80) == {"127.0.0.1:80", "localhost:80", "[::1]:80", "127.0.0.1", "localhost", "[::1]"}


def test_a_failed_first_build_is_shown_and_then_replaced(publication, start_server):
    manifest = publication / "issues/2026-10/issue.yaml"
    good = manifest.read_text(encoding="utf-8")
    manifest.write_text(good.replace("volume: 1\n", "volume: 1\ndescripton: x\n"), encoding="utf-8")
    server = start_server()
    status, page = fetch(server, PAGE)
    assert status == 404
    assert "unknown key 'descripton'" in page and "data-diglot-serve" in page
    before = version(server)["version"]
    manifest.write_text(good, encoding="utf-8")
    wait_for(lambda: build_after(server, before, lambda v: not v["errors"]), "a successful rebuild after the fix")
    status, page = fetch(server, PAGE)
    assert status == 200 and "diglot-errors" not in page


def test_serve_refuses_other_hosts_and_bad_ports():
    result = run("--root", str(REPO), "serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "not a loopback address" in result.stderr
    assert run("--root", str(REPO), "serve", "--host", "example.org").exit_code == 2
    assert run("--root", str(REPO), "serve", "--port", "70000").exit_code == 2
    assert run("--root", str(REPO), "serve", "-l", "tlh").exit_code == 2


def test_ctrl_c_stops_cleanly(publication):
    process = subprocess.Popen(
        [sys.executable, "-m", "diglot.cli", "--root", str(publication), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Run as a background job, the tests inherit SIGINT ignored, and Python then
        # installs no Ctrl-C handler in the child: give it the terminal's default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        line = ""
        deadline = time.monotonic() + TIMEOUT
        while "http://" not in line and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
        assert "serving the draft web edition at http://127.0.0.1:" in line, process.stderr.read() if process.poll() is not None else line
        url = line[line.index("http://"):].split()[0]
        with urllib.request.urlopen(url + PAGE.lstrip("/"), timeout=TIMEOUT) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err and "stopped" in out


def test_the_print_editions_of_the_issue_being_edited_follow_in_the_background(publication, start_server, lines):
    server = start_server(languages=["en"])
    served_pdf = publication / "build/serve/site/pdf/2026-10.en.pdf"
    start = version(server)
    catalog = publication / CATALOG
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace(f'msgstr "{OLD_TEXT}"', f'msgstr "{NEW_TEXT}"'), encoding="utf-8")
    wait_for(lambda: version(server)["version"] > start["version"], "a rebuild after the catalog changed")
    # The page reloads first; the draft PDF of that issue follows, and the site serves it.
    wait_for(lambda: served_pdf.is_file() and NEW_TEXT in pdftotext(served_pdf), "the new translation in the served PDF", timeout=120)
    with urllib.request.urlopen(server.url.rstrip("/") + "/pdf/2026-10.en.pdf", timeout=10) as response:
        assert response.status == 200 and response.read().startswith(b"%PDF-")
    assert "rendered the draft PDFs of 2026-10" in lines
