"""Titles: the headline as a reader sees it, site names learnt from the page, no markup."""

from __future__ import annotations

import pytest

from parsers.article import extract_article
from parsers.metadata import Line, load_tree, read_metadata
from parsers.titles import (
    _headline_over_byline,
    _with_untagged,
    breadcrumb,
    clean_title,
    site_names,
    strip_site_name,
    trim_names,
)

FILLER = "<p>" + "城市群协同发展的具体举措包括交通一体化和产业分工，" * 4 + "。</p>"


def title_of(head: str, body: str) -> str:
    html = f"<html><head>{head}</head><body>{body}{FILLER}{FILLER}</body></html>"
    return extract_article(html, "http://x.example/a.html", source="s").title


@pytest.mark.parametrize(
    ("tag", "site"),
    [
        ("成渝城市群协同发展迈出新步伐-新华网", "新华网"),
        ("成渝城市群协同发展迈出新步伐_中国政府网", "中国政府网"),
        ("成渝城市群协同发展迈出新步伐 - 人民网", "人民网"),
        ("成渝城市群协同发展迈出新步伐 | 某某观察", "某某观察"),
        ("某某观察 | 成渝城市群协同发展迈出新步伐", "某某观察"),
    ],
)
def test_site_name_from_og_site_name_is_stripped(tag: str, site: str) -> None:
    head = f'<title>{tag}</title><meta property="og:site_name" content="{site}">'
    assert title_of(head, "") == "成渝城市群协同发展迈出新步伐"


def test_site_and_section_learnt_from_the_heading_agreeing_with_title() -> None:
    head = "<title>城市群规划印发_时政_某某网</title>"
    tree = load_tree(f"<html><head>{head}</head><body><h1>城市群规划印发</h1></body></html>")
    metadata = read_metadata(tree)
    assert site_names(metadata, metadata.headings) == {"时政", "某某网"}
    assert title_of(head, "<h1>城市群规划印发</h1>") == "城市群规划印发"


def test_site_names_learnt_from_og_title_and_title_decorating_alike() -> None:
    head = (
        '<meta property="og:title" content="某某周刊 - 城市群规划印发">'
        "<title>城市群规划印发 | 某某网站</title>"
    )
    tree = load_tree(f"<html><head>{head}</head><body></body></html>")
    assert site_names(read_metadata(tree)) == {"某某周刊", "某某网站"}


def test_strip_site_name_without_any_signal_keeps_the_headline_part() -> None:
    assert strip_site_name("Site | A long article title about city clusters") == (
        "A long article title about city clusters"
    )
    assert strip_site_name("新华网_城市群规划印发", {"新华网"}) == "城市群规划印发"


def test_markup_inside_a_declared_title_is_removed() -> None:
    head = '<meta name="ArticleTitle" content="城市群规划印发&lt;div class=&quot;sub&quot;&gt;">'
    assert title_of(head, "") == "城市群规划印发"
    assert clean_title("<b>城市群</b>规划<br/>印发") == "城市群 规划 印发"
    # other tag-like text is what the page shows (escaping it is the renderer's job)
    assert clean_title("What the <img> element does") == "What the <img> element does"


def test_main_and_sub_headline_keep_the_space_the_page_shows() -> None:
    body = "<h1>城市群规划印发<br>二十项举措推动协同发展</h1>"
    assert title_of("", body) == "城市群规划印发 二十项举措推动协同发展"
    body = "<h1><div>城市群规划印发</div><div>二十项举措推动协同发展</div></h1>"
    assert title_of("<title>城市群规划印发_某某网</title>", body) == (
        "城市群规划印发 二十项举措推动协同发展"
    )


def test_the_heading_agreeing_with_title_wins_in_the_form_the_page_shows() -> None:
    head = "<title>本周观察 | 城市群规划印发</title>"
    assert title_of(head, "<h1>本周观察 | 城市群规划印发</h1>") == "本周观察 | 城市群规划印发"


def test_a_heading_equal_to_one_part_of_title_is_the_headline() -> None:
    head = "<title>城市群规划印发 - 时政频道 - 某某社区</title>"
    assert title_of(head, "<div>城市群规划印发</div>") == "城市群规划印发"


def test_generic_title_gives_way_to_the_visible_headline_above_the_body() -> None:
    body = (
        "<div><a href='/'>首页</a></div><div>犬儒病(上)</div><div>胡平</div>"
        "<div>——当代的精神危机</div>"
    )
    assert title_of("<title>显示</title>", body) == "犬儒病(上)"


def test_headline_above_a_byline_and_date_line() -> None:
    body = "<div>城市群规划印发</div><div>作者：张三 发布日期：2024-03-05</div>"
    assert title_of("<title>欢迎访问本站</title>", body) == "城市群规划印发"


def test_a_related_links_list_above_the_body_is_not_the_headline() -> None:
    links = "".join(f"<div><a href='/{i}'>另一篇文章的标题{i}</a></div>" for i in range(5))
    assert title_of("<title>城市群规划印发</title>", links) == "城市群规划印发"


def test_a_research_group_under_the_headline_is_not_the_headline() -> None:
    body = "<div>城市群发展调查研究报告</div><div>某某市发展研究课题组</div>"
    assert title_of("", body) == "城市群发展调查研究报告"


def test_an_author_prefixed_listing_headline_gives_way_to_the_article_heading() -> None:
    body = "<div>张三：城市群规划的得失</div><div>城市群规划的得失</div><div>张三</div>"
    assert title_of("<title>欢迎访问本站</title>", body) == "城市群规划的得失"


def test_a_kicker_above_the_heading_is_not_the_headline() -> None:
    body = "<p>拆迁屡出问题 管理亟待加强</p><h2>谁来为城市更新埋单？</h2>"
    assert title_of("", f"<h2>某某的博客</h2>{body}") == "谁来为城市更新埋单？"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("城市群规划印发(图)", "城市群规划印发"),
        ("城市群规划印发（组图）", "城市群规划印发"),
        ("城市群规划印发(转载)", "城市群规划印发"),
        ("[原创]城市群规划印发", "城市群规划印发"),
        ("【转帖】[求助]城市群规划印发", "城市群规划印发"),
        ("[精华]城市群规划印发", "城市群规划印发"),
        ("主题: 城市群规划印发", "城市群规划印发"),
        ("| 城市群规划印发 | |", "城市群规划印发"),
    ],
)
def test_markers_labels_and_stray_separators_are_dropped(raw: str, expected: str) -> None:
    assert clean_title(raw) == expected


def test_a_heading_elsewhere_that_mentions_the_headline_is_not_taken() -> None:
    body = "<h1>城市群规划印发</h1><h2>城市群规划印发后的各地反响</h2>"
    assert title_of("<title>城市群规划印发_某某网</title>", body) == "城市群规划印发"


def test_title_shown_far_above_the_body_beats_a_section_heading_leading_the_body() -> None:
    head = "<title>关于推进城市群协同发展的实施意见_某某市人民政府</title>"
    table = "".join(f"<tr><td>字段{i}：</td><td>值{i}</td></tr>" for i in range(8))
    body = (
        f"<div class='t'>关于推进城市群协同发展的实施意见</div><table>{table}</table>"
        "<p>一、总体要求</p>"
    )
    assert title_of(head, body) == "关于推进城市群协同发展的实施意见"


def test_a_picture_caption_leading_the_body_is_not_the_headline() -> None:
    body = "<div>城市群协同发展</div><p>资料图：城市群的夜景</p>"
    assert title_of("<title>欢迎访问本站</title>", body) == "城市群协同发展"


def test_a_logo_heading_naming_the_site_is_not_the_headline() -> None:
    body = "<h1><a href='/'>某某网</a></h1><h2>城市群规划印发</h2>"
    assert title_of("<title>城市群规划印发_某某网</title>", body) == "城市群规划印发"


# --- forum and blog decoration ---------------------------------------------------------------


def test_a_category_tag_before_the_heading_is_not_part_of_the_headline() -> None:
    head = "<title>【原创】城市群规划的一点感受 - 某某版块 - 某某论坛</title>"
    body = "<h1><a href='/type/3'>[通勤]</a> <span>【原创】城市群规划的一点感受</span></h1>"
    assert title_of(head, body) == "城市群规划的一点感受"


def test_a_bracketed_heading_title_keeps_its_brackets_without_a_title_to_agree() -> None:
    assert title_of("", "<h1>[通勤]城市群规划的一点感受</h1>") == "[通勤]城市群规划的一点感受"


def test_a_blog_banner_repeating_a_title_of_only_the_blog_name_is_not_the_headline() -> None:
    body = (
        "<div class='banner'>老周的城市观察</div>"
        "<div class='posttitle'>南京都市圈的跨界地铁坐起来如何</div>"
        "<div class='postinfo'>分类：杂谈 2024-03-05 08:12</div>"
    )
    footer = "<div>Copyright © 2006-2026 老周的城市观察 All Rights Reserved.</div>"
    page = f"<html><head><title>老周的城市观察</title></head><body>{body}{FILLER}{FILLER}"
    html = f"{page}{footer}</body></html>"
    title = extract_article(html, "http://x.example/a.html", source="s").title
    assert title == "南京都市圈的跨界地铁坐起来如何"


def test_without_a_copyright_line_a_banner_equal_to_title_still_agrees() -> None:
    body = "<div>城市群协同发展的新观察</div><div>分类：杂谈 2024-03-05 08:12</div>"
    assert title_of("<title>城市群协同发展的新观察</title>", body) == "城市群协同发展的新观察"


def test_a_whole_decorated_title_shown_is_cut_to_the_breadcrumb_tail() -> None:
    head = "<title>某某版块-[原创]朋友,请正确认识城市群！错误信息[某某社区]</title>"
    body = (
        "<div>某某社区 → 错误信息 → [原创]朋友,请正确认识城市群！错误信息 【全文搜索】</div>"
        "<h1>某某版块-[原创]朋友,请正确认识城市群！错误信息[某某社区]</h1>"
    )
    assert title_of(head, body) == "朋友,请正确认识城市群！"


def test_a_truncated_breadcrumb_tail_is_not_the_headline() -> None:
    head = "<title>城市群规划的一点感受与思考 | 某某论坛</title>"
    body = (
        "<div>某某论坛 › 版块 › 城市群规划的一点...</div>"
        "<h1>城市群规划的一点感受与思考 | 某某论坛</h1>"
    )
    assert title_of(head, body) == "城市群规划的一点感受与思考 | 某某论坛"


def test_breadcrumb_items_and_its_tail() -> None:
    lines = [Line("首页", link=True), Line("当前位置：首页 > 新闻中心 > 城市群规划印发")]
    assert breadcrumb(lines) == (["首页", "新闻中心"], "城市群规划印发")
    assert breadcrumb([Line("A > B")]) is None  # one separator: not a trail


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("城市群规划印发[某某社区]", "城市群规划印发"),
        ("[某某社区]城市群规划印发", "城市群规划印发"),
        ("城市群规划印发错误信息", "城市群规划印发"),
        ("新闻中心城市群规划印发", "城市群规划印发"),
        ("城市群规划印发[其他]", "城市群规划印发[其他]"),  # not a name the page gives
        ("规划错误信息", "规划错误信息"),  # too little would be left
    ],
)
def test_trim_names_at_either_end(raw: str, expected: str) -> None:
    assert trim_names(raw, ["某某社区", "错误信息", "新闻中心"]) == expected


def test_a_post_headline_over_its_byline_beats_a_sidebar_leading_the_body() -> None:
    sidebar = "".join(f"<div>友情链接网站第{i}号[个人主页]</div>" for i in range(12))
    post = (
        "<div><b><a href='/c/1'>[湖湘文化]</a><a href='/p/1'>城市群的百年变迁</a></b><br>"
        "someone 发表于 2005-9-15 11:46:00</div><p>城市群的百年变迁<br>"
        + "城市群协同发展的具体举措包括交通一体化和产业分工。" * 4
        + "</p>"
    )
    assert title_of("<title>某某blog--某某人</title>", sidebar + post) == "城市群的百年变迁"


def test_a_link_over_a_byline_that_the_post_does_not_repeat_is_not_taken() -> None:
    lines = [Line("城市群的百年变迁", link=True), Line("someone 发表于 2005-9-15"), Line("正文")]
    assert _headline_over_byline(lines) is None
    lines[2] = Line("城市群的百年变迁")
    assert _headline_over_byline(lines) == "城市群的百年变迁"


# --- round 5: rules found by the blind pages of tests/fixtures/pages/sites2 ---------------------

ENGLISH = (
    "<p>" + "The metropolitan circle plan links core cities with their neighbours. " * 4 + "</p>"
)


def test_a_heading_that_title_glues_a_site_name_to_is_the_headline() -> None:
    head = "<title>China Focus: Commuter rail reshapes metropolitan circles-Newswire</title>"
    body = (
        '<div class="header"><h1>China Focus: Commuter rail reshapes metropolitan circles</h1>'
        "</div><div id='detail'><p>by Newswire writers Zhang Wei, Li Yan</p>"
        f"{ENGLISH}{ENGLISH}</div>"
    )
    assert title_of(head, body) == "China Focus: Commuter rail reshapes metropolitan circles"


def test_an_english_byline_leading_the_body_is_not_the_headline() -> None:
    body = f"<div><p>by Newswire writers Zhang Wei, Li Yan</p>{ENGLISH}{ENGLISH}</div>"
    assert title_of("<title>Commuter rail plan</title>", body) != (
        "by Newswire writers Zhang Wei, Li Yan"
    )


def test_a_status_note_ending_the_heading_is_not_part_of_the_headline() -> None:
    head = "<title>长三角城市群空间结构演变及其影响因素 - 某某学术库</title>"
    body = (
        "<div class='top-tip'>地理研究. 2024,43(03) 北大核心</div>"
        "<h1>长三角城市群空间结构演变及其影响因素<span>（网络首发）</span></h1>"
    )
    assert title_of(head, body) == "长三角城市群空间结构演变及其影响因素"


def test_only_headline_length_text_loses_its_bracketed_note() -> None:
    # a links list's '洞庭一叶（个人主页）' must not agree with a <title> 'Blog--洞庭一叶'
    assert _with_untagged(["洞庭一叶（个人主页）"]) == ["洞庭一叶（个人主页）"]
    assert (
        _with_untagged(["长三角城市群空间结构演变（网络首发）"])[-1] == "长三角城市群空间结构演变"
    )
