"""Rendering reads only files inside the publication root, never the network."""

from __future__ import annotations

from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.urls import path2url

from diglot.render.pdf import SafeFetcher


@pytest.fixture
def root(tmp_path) -> Path:
    root = tmp_path / "pub"
    (root / "issues/a/images").mkdir(parents=True)
    (root / "issues/a/images/ok.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    return root


def test_serves_a_file_inside_the_root(root):
    fetcher = SafeFetcher(root)
    response = fetcher.fetch(path2url(str(root / "issues/a/images/ok.css")))
    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/style.css",
        "https://example.org/picture.png",
        "ftp://example.org/x",
        "data:text/css,p{color:red}",
    ],
)
def test_refuses_the_network_and_other_schemes(root, url):
    fetcher = SafeFetcher(root)
    with pytest.raises(ValueError, match="only files inside the publication"):
        fetcher.fetch(url)
    assert fetcher.refused


def test_refuses_a_path_that_climbs_out_of_the_root(root):
    fetcher = SafeFetcher(root)
    url = path2url(str(root / "issues/a")) + "/../../../etc/hostname"
    with pytest.raises(ValueError, match="outside the publication root"):
        fetcher.fetch(url)


def test_refuses_device_files_and_links_out(root, tmp_path):
    (root / "dev-link").symlink_to("/dev/zero")
    (root / "secret-link").symlink_to(tmp_path / "secret.txt")
    fetcher = SafeFetcher(root)
    with pytest.raises(ValueError, match="outside the publication root"):
        fetcher.fetch(path2url(str(root / "dev-link")))
    with pytest.raises(ValueError, match="outside the publication root"):
        fetcher.fetch(path2url(str(root / "secret-link")))
    (root / "fifo").mkdir()
    with pytest.raises(ValueError, match="not a regular file"):
        fetcher.fetch(path2url(str(root / "fifo")))


def test_weasyprint_gets_nothing_from_outside(root):
    """Through a real render: the picture at ../../../etc/hostname and an http:// stylesheet are refused."""
    fetcher = SafeFetcher(root)
    html = (
        '<link rel="stylesheet" href="http://example.org/evil.css">'
        '<img src="../../../etc/hostname"><p>text</p>'
    )
    base = path2url(str(root / "issues/a")) + "/"
    pdf = HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert any("evil.css" in r for r in fetcher.refused)
    assert any("hostname" in r and "outside the publication root" in r for r in fetcher.refused)
