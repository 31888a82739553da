"""parsers.metadata.load_tree hands out plain HtmlElements (class chosen in C, no per-element
Python lookup), and a page wrapped in one <form> (ASP.NET WebForms) still yields its text."""

from __future__ import annotations

import lxml.html

from parsers.article import extract_article
from parsers.metadata import load_tree

_PARAGRAPH = "城市群协同发展需要统一规划，交通、产业和公共服务一体推进，各地分工协作。" * 3
_PAGE = f"""<html><head><title>长三角一体化新进展</title></head><body>
<form id="aspnetForm" action="/a.aspx"><input name="q" value="x"><label>搜索</label>
<select name="s"><option>1</option></select><textarea name="t">留言</textarea>
<div class="main"><h1>长三角一体化新进展</h1><p>{_PARAGRAPH}</p><p>{_PARAGRAPH}</p></div>
</form></body></html>"""


def test_every_element_is_a_plain_html_element() -> None:
    tree = load_tree(_PAGE)
    kinds = {type(element) for element in tree.iter() if isinstance(element.tag, str)}
    assert kinds == {lxml.html.HtmlElement}
    form = tree.find(".//form")
    assert form is not None and "留言" in form.text_content()  # lxml.html methods still there


def test_form_wrapped_page_keeps_its_text() -> None:
    record = extract_article(_PAGE, "https://example.gov.cn/a.aspx", source="s")
    assert record.title == "长三角一体化新进展"
    assert _PARAGRAPH in record.text
