"""Authors from Chinese and English bylines, <meta> and JSON-LD: one synthetic page per rule."""

from __future__ import annotations

import json

import pytest

from parsers.article import extract_article

FILLER = "<p>" + "城市群协同发展的具体举措包括交通一体化和产业分工，" * 4 + "。</p>"


def authors(body: str, head: str = "") -> list[str]:
    html = (
        f"<html><head>{head}</head><body><h1>城市群协同发展迈出新步伐</h1>"
        f"{body}{FILLER}{FILLER}</body></html>"
    )
    return extract_article(html, "http://x.example/a.html", source="s").authors


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("作者：张三", ["张三"]),
        ("作者: 欧阳明远", ["欧阳明远"]),
        ("作者：张三 李四", ["张三", "李四"]),
        ("作者：张三、李四、王五", ["张三", "李四", "王五"]),
        ("作者：张三，李四", ["张三", "李四"]),
        ("作者：张三, 李四", ["张三", "李四"]),
        ("作者：张三/李四", ["张三", "李四"]),
        ("作者：张三（中国社会科学院研究员）", ["张三"]),
        ("撰文：周立", ["周立"]),
        ("执笔：陈明 刘洋", ["陈明", "刘洋"]),
        ("【作者】张三 【来源】新华网", ["张三"]),
        ("作者 张三 李四", ["张三", "李四"]),
    ],
)
def test_labelled_authors(byline: str, expected: list[str]) -> None:
    assert authors(f"<p>{byline}</p>") == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("记者 张三", ["张三"]),
        ("记者：张三", ["张三"]),
        ("本报记者 张三 李四", ["张三", "李四"]),
        ("新华社记者 王小明", ["王小明"]),
        ("□ 本报记者 葛灵丹", ["葛灵丹"]),
        ("本报记者 张三 实习生 李四", ["张三", "李四"]),
        ("（记者 张三 通讯员 李四）", ["张三", "李四"]),
        ("记者 张三 摄", ["张三"]),
        ("本报记者 张三、李四 北京报道", ["张三", "李四"]),
    ],
)
def test_reporters_are_authors(byline: str, expected: list[str]) -> None:
    assert authors(f"<p>{byline}</p>") == expected


@pytest.mark.parametrize("byline", ["文/王小明", "文／王小明", "文 | 王小明", "文：王小明"])
def test_wen_slash_names_the_writer(byline: str) -> None:
    assert authors(f"<p>{byline}</p>") == ["王小明"]


def test_source_is_not_an_author() -> None:
    assert authors("<p>来源：新华网</p>") == []
    assert authors("<p>来源：人民日报 作者：张三</p>") == ["张三"]


def test_byline_value_ends_at_the_next_field() -> None:
    line = "作者：张三 来源：光明日报 发布时间：2024-03-05 10:20"
    assert authors(f"<p>{line}</p>") == ["张三"]


def test_editor_in_charge_is_never_an_author() -> None:
    assert authors("<p>来源：新华网</p><p>（责任编辑：黄帅）</p>") == []
    assert authors("<p>作者：张三</p><p>责任编辑：李四</p>") == ["张三"]
    assert authors("<p>记者 张三</p><p>编辑：李四</p>") == ["张三"]


def test_meta_author_is_an_author_unless_it_is_the_site() -> None:
    assert authors("", '<meta name="author" content="张三">') == ["张三"]
    site = '<meta property="og:site_name" content="某某网"><meta name="author" content="某某网">'
    assert authors("", site) == []


def test_meta_author_list() -> None:
    assert authors("", '<meta name="author" content="张三，李四">') == ["张三", "李四"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"@type": "Person", "name": "张三"}, ["张三"]),
        (
            [{"@type": "Person", "name": "张三"}, {"@type": "Person", "name": "李四"}],
            ["张三", "李四"],
        ),
        ("Li Wei", ["Li Wei"]),
    ],
)
def test_jsonld_author(value: object, expected: list[str]) -> None:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "author": value}
    head = f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
    assert authors("", head) == expected


def test_english_byline_with_two_authors() -> None:
    assert authors("<p>By Li Wei and Mary Smith</p>") == ["Li Wei", "Mary Smith"]


def test_reporter_in_running_text_is_nobody() -> None:
    assert authors("<p>记者一眼就注意到墙上的规划图，随后走访了几个工地。</p>") == []


def test_label_alone_in_a_table_cell_takes_the_next_cell() -> None:
    body = "<table><tr><td>作者：</td><td>张三</td></tr></table>"
    assert authors(body) == ["张三"]


def test_name_alone_under_the_headline() -> None:
    assert authors("<p>胡平</p>") == ["胡平"]


def test_a_menu_link_under_the_headline_is_not_an_author() -> None:
    assert authors('<p><a href="/news/">时政</a></p>') == []


def test_prose_after_the_word_author_is_nobody() -> None:
    assert authors("<p>作者 认为城市群的发展需要统筹规划。</p>") == []


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("本报记者张三", ["张三"]),
        ("记者张三 通讯员李四", ["张三", "李四"]),
        ("□本报记者王小明 报道", ["王小明"]),
    ],
)
def test_reporter_role_written_without_a_space(byline: str, expected: list[str]) -> None:
    assert authors(f"<p>{byline}</p>") == expected


def test_prose_after_the_word_reporter_without_a_space_is_nobody() -> None:
    assert authors("<p>记者了解到，城市群的交通一体化正在加快推进。</p>") == []


@pytest.mark.parametrize("nobody", ["佚名", "不详", "网络", "转载", "管理员", "本站原创"])
def test_placeholder_authors_are_nobody(nobody: str) -> None:
    assert authors(f"<p>作者：{nobody}</p>") == []


@pytest.mark.parametrize("label", ["楼主", "发帖人", "发表者", "发贴人"])
def test_forum_poster_labels(label: str) -> None:
    assert authors(f"<p>{label}：城市观察者</p>") == ["城市观察者"]


def test_a_blog_is_written_by_its_owner() -> None:
    html = (
        "<html><head><title>张三的博客</title></head><body><h1>城市群规划的得失</h1>"
        f"{FILLER}{FILLER}</body></html>"
    )
    assert extract_article(html, "http://x.example/a.html", source="s").authors == ["张三"]


def test_a_link_naming_a_column_is_not_a_byline() -> None:
    assert authors('<p><a href="/col/">记者江湖</a></p>') == []
    assert authors('<p>作者：<a href="/u/1">张三</a></p>') == ["张三"]


def test_a_blog_whose_first_heading_is_its_owners_name() -> None:
    html = f"<html><body><h1>李明远</h1><h2>入住博客的第一天</h2>{FILLER}{FILLER}</body></html>"
    assert extract_article(html, "http://x.example/a.html", source="s").authors == ["李明远"]


def test_a_pen_name_under_the_heading_that_the_listing_headline_repeats() -> None:
    body = "<div>茉莉：城市群规划的得失</div><div>城市群规划的得失</div><div>茉莉</div>"
    html = f"<html><body>{body}{FILLER}{FILLER}</body></html>"
    assert extract_article(html, "http://x.example/a.html", source="s").authors == ["茉莉"]


def test_a_bare_word_under_the_heading_is_not_a_pen_name() -> None:
    body = "<div>城市群规划的得失</div><div>茉莉</div>"
    html = f"<html><body>{body}{FILLER}{FILLER}</body></html>"
    assert extract_article(html, "http://x.example/a.html", source="s").authors == []


def test_a_name_glued_to_the_next_field_label_by_inline_spans() -> None:
    byline = (
        "<p><span>作者：孙嘉怡 吴昊</span><span>来源：宣传部</span><span>摄影：钱立诚</span></p>"
    )
    assert authors(byline) == ["孙嘉怡", "吴昊"]


MICRODATA = """<div itemscope itemtype="http://schema.org/Question">
<meta itemprop="name" content="城市群为什么重要？">
<meta itemprop="dateCreated" content="2023-07-18">
<div itemprop="acceptedAnswer" itemscope itemtype="http://schema.org/Answer">
<div itemprop="author" itemscope itemtype="http://schema.org/Person">
<meta itemprop="name" content="{name}"><a href="/people/x">{name}</a></div>
<meta itemprop="dateCreated" content="2024-03-05T00:12:33.000Z">
<div itemprop="text">{text}</div></div></div>"""


def test_microdata_author_of_an_answer() -> None:
    assert authors(MICRODATA.format(name="陆晨阳", text="")) == ["陆晨阳"]


def test_microdata_of_a_type_that_is_no_article_gives_no_author() -> None:
    page = MICRODATA.format(name="陆晨阳", text="").replace("schema.org/Answer", "schema.org/Thing")
    assert authors(page) == []


FORUM_POST = (
    "<table><tr><td><a href='/space-uid-1.html'>{poster}</a><dl><dt>积分</dt><dd>2386</dd>"
    "<dt>注册时间</dt><dd>2015-6-12</dd></dl></td><td><strong><a href='#'>{floor}</a></strong>"
    "<em>发表于 2024-3-5 08:12</em></td></tr></table>"
)


@pytest.mark.parametrize("floor", ["楼主", "1#", "沙发"])
def test_forum_poster_is_the_profile_link_above_posted_at(floor: str) -> None:
    assert authors(FORUM_POST.format(poster="沪嘉通勤客", floor=floor)) == ["沪嘉通勤客"]


def test_action_links_between_poster_and_posted_at_are_skipped() -> None:
    post = FORUM_POST.format(poster="沪嘉通勤客", floor="楼主")
    post = post.replace("<td><strong>", "<td><div><a href='/pm'>发消息</a></div><strong>")
    assert authors(post) == ["沪嘉通勤客"]


def test_a_link_above_posted_at_that_is_no_name_is_nobody() -> None:
    assert authors(FORUM_POST.format(poster="<<查看全部帖子>>", floor="楼主")) == []


def test_posted_at_above_the_title_names_nobody() -> None:
    post = FORUM_POST.format(poster="沪嘉通勤客", floor="楼主")
    html = f"<html><body>{post}<h1>城市群协同发展迈出新步伐</h1>{FILLER}{FILLER}</body></html>"
    assert extract_article(html, "http://x.example/a.html", source="s").authors == []


# --- round 5: rules found by the blind pages of tests/fixtures/pages/sites2 ---------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("記者林志明／台中報導", ["林志明"]),
        ("本報記者 陳美玲", ["陳美玲"]),
        ("記者 黃建華、李怡君／台北報導", ["黃建華", "李怡君"]),
    ],
)
def test_traditional_reporter_roles(byline: str, expected: list[str]) -> None:
    assert authors(f"<p>{byline}</p>") == expected


def test_author_meta_naming_the_content_source_is_not_an_author() -> None:
    head = (
        '<meta name="SiteName" content="某省人民政府门户网站">'
        '<meta name="ContentSource" content="某省发展改革委">'
        '<meta name="Author" content="某省发展改革委">'
    )
    assert authors("<p>信息来源：某省发展改革委</p>", head) == []


def test_author_meta_naming_the_pages_editor_is_not_an_author() -> None:
    head = '<meta name="author" content="王晓">'
    assert authors("<p>编辑：王晓　责任编辑：刘亮</p>", head) == []
    assert authors("<p>来源：某某网</p>", head) == ["王晓"]  # no editor named: the author


def test_an_editor_beside_the_editor_in_charge_is_not_a_compiler() -> None:
    assert authors("<p>编辑：王晓　责任编辑：刘亮</p>") == []
    assert authors("<p>编辑：王晓</p>") == ["王晓"]  # a repost's compiler, named alone


@pytest.mark.parametrize(
    "box",
    [
        '<h3 id="authorpart"><span><a href="#">张明<sup>1,2</sup></a></span>'
        '<span><a href="#">李晓红<sup>1</sup></a></span></h3>',
        '<ul class="authors"><li><a class="name" href="/p/1">张明</a><span>研究员</span></li>'
        '<li><a class="name" href="/p/2">李晓红</a><span>副研究员</span></li></ul>',
        '<div class="author-group"><button><span class="given-name">张</span>'
        '<span class="surname">明</span><sup>a</sup></button>, '
        "<button>李晓红<sup>b</sup></button></div>",
    ],
)
def test_an_element_marked_as_the_author_list(box: str) -> None:
    assert authors(box) == ["张明", "李晓红"]


def test_an_author_box_with_a_link_that_is_no_name_is_not_the_author_list() -> None:
    assert authors('<div class="author"><a href="/m/1">经济观察报</a></div>') == []
    assert (
        authors('<div class="author-box"><a href="/p/1">张明</a><a href="/p">更多文章</a></div>')
        == []
    )


def test_an_author_list_in_a_side_bar_or_a_comment_thread_is_not_the_pages() -> None:
    assert authors('<aside><ul class="authors"><li><a href="/p/1">张明</a></li></ul></aside>') == []
    comments = (
        '<ol class="commentlist"><li><span class="comment-author"><a>张明</a></span></li></ol>'
    )
    assert authors(comments) == []


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("by Xinhua writers Zhang Jiawei, Li Yan", ["Zhang Jiawei", "Li Yan"]),
        (
            "By ZHOU HUIYING in Harbin and LIU MINGJUN in Changchun | chinadaily.com.cn | "
            "Updated: 2024-04-25 16:47" + "Facebook" * 12,
            ["Zhou Huiying", "Liu Mingjun"],
        ),
        ("By staff reporter Jane Smith in New York", ["Jane Smith"]),
    ],
)
def test_english_wire_bylines(byline: str, expected: list[str]) -> None:
    assert authors(f"<p>{byline}</p>") == expected
