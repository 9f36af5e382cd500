import pytest

from pipeline.errors import InputRejected
from pipeline.readers.html import read_html

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<title>Trust rated inadequate | Example News</title>
<meta property="og:title" content="Trust rated inadequate">
<meta property="article:published_time" content="2019-07-12T09:00:00Z">
<link rel="canonical" href="https://news.example/trust-rated">
</head><body>
<header><div class="logo">Example News</div>
<nav><ul><li><a href="/">Home</a></li><li><a href="/health">Health</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Trust rated inadequate</h1>
<p>The Dudley Group NHS Foundation Trust was rated inadequate for safety by the Care Quality
Commission after an inspection earlier this year.</p>
<p>Inspectors said sepsis treatment was not always given in time and that staff in diagnostic
imaging had not completed the training they needed.</p>
<p>The trust said it was disappointed and had already made changes to its emergency department.</p>
</article>
<aside><h2>Related stories</h2>
<ul><li><a href="/a">Hospital car parking charges rise</a></li></ul></aside>
<footer><p>Copyright 2019 Example News. All rights reserved.</p>
<a href="/privacy">Privacy</a></footer>
</body></html>"""


def test_main_text_title_date_and_url_without_page_furniture():
    doc = read_html("page.html", PAGE.encode())
    assert doc.title == "Trust rated inadequate"
    assert doc.published == "2019-07-12"
    assert doc.url == "https://news.example/trust-rated"
    assert "rated inadequate for safety" in doc.text
    assert "sepsis treatment was not always given" in doc.text
    for furniture in ("cookies", "Related stories", "Copyright", "Sport", "car parking"):
        assert furniture not in doc.text
    assert doc.format == "html"


def test_page_without_readable_text_is_rejected():
    with pytest.raises(InputRejected) as info:
        read_html("empty.html", b"<html><head><title>x</title></head><body> </body></html>")
    assert info.value.reason == "no readable text in the HTML page"


def test_declared_charset_is_honoured_when_not_utf8():
    html = (
        '<html><head><meta charset="windows-1252"></head><body><article><p>'
        "The trust\x92s maternity unit was rated inadequate by inspectors in a report published "
        "this week, and the board said it accepted every finding of the review.</p></article>"
        "</body></html>"
    ).encode("latin-1")
    doc = read_html("cp.html", html)
    assert "trust’s maternity unit" in doc.text
