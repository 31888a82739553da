"""Error pages served with status 200 ("soft 404s"): not documents.

Chinese portals and CMSs commonly answer a deleted or mistyped article URL with 200 and a page
saying 页面不存在 / 您访问的页面已删除, or redirect to such a page; English sites do the same with
"Page not found". Stored, such a page becomes a junk document, or worse, an "edit" of the
article that used to live at the address. A page is taken for an error page when its title says
so, or its short text opens by saying so; a real article about such things is long.
"""

from __future__ import annotations

import re

from agglowatch.records import DocumentRecord

# What error pages say, in Chinese and English. Only phrases that mean "this page is not here"
# (or the server failed), never words that a headline might use for something else.
_ZH = (
    r"(?:(页面|网页|文章|信息|内容|稿件|资源|帖子|主题)"
    r"(不存在|未找到|找不到|已(被)?删除|已下线|已失效|已过期|丢失了?|走丢了?)"
    r"|找不到(该|此|您要的|你要的|您所?访问的|你所?访问的)?(页面|网页|文章|内容)"
    r"|(您|你)(所)?(访问|请求|查看|要找)的(页面|网页|文章|信息|内容|帖子)"
    r"(不存在|已(被)?删除|已失效|暂时无法访问|无法找到|找不到)"
    r"|404\s*(错误|页面|提示)|(错误|出错)\s*404|(系统|服务器)(繁忙|错误|出错)|出错了|错误提示|无权访问)"
    # the phrase must end there: 信息不存在泄露风险 is a headline, 信息不存在！ an error
    r"(?=$|[\s!！。.,，;；:：?？、()（）\[\]【】<>《》|_\-–—~…]|或|了|啦|哦|呢)"
)
_EN = (
    r"\b(page|file|article|document|content) (was )?not found\b|\b40[34] (not found|forbidden)\b"
    r"|^not found$|^(error|http) ?(40[034]|50[0-4])\b|^40[034]\b|\b(access denied|forbidden)$"
    r"|\bthe page you (requested|are looking for|were looking for|tried to access)"
    r" (could not be found|cannot be found|can't be found|does not exist|doesn't exist|"
    r"was not found|is not available|no longer exists)"
    r"|\b(page|article) (does not|doesn't|no longer) exists?\b"
    r"|\binternal server error\b|\bservice (temporarily )?unavailable\b|\bbad gateway\b"
)
_ERROR = re.compile(f"{_ZH}|{_EN}", re.IGNORECASE | re.MULTILINE)

TITLE_CHARS = 60  # a title longer than this is a headline, whatever words it has
TITLE_TEXT = 2000  # characters of text a page whose title is an error may still have (chrome)
SHORT_TEXT = 600  # characters: error pages say little beyond the error and the site's chrome
LEAD_CHARS = 200  # where a short text must say it


def error_page_reason(record: DocumentRecord) -> str | None:
    """What marks the record as an error page, or None for a real document."""
    text = record.text.strip()
    title = record.title.strip()
    short_page = len(text) <= TITLE_TEXT and len(title) <= TITLE_CHARS
    if short_page and (match := _ERROR.search(title)):
        return f"its title says {match.group(0)!r}"
    if len(text) <= SHORT_TEXT and (match := _ERROR.search(text[:LEAD_CHARS])):
        return f"its text says {match.group(0)!r}"
    return None
