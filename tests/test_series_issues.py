"""Issues of a series on one source (weekly bulletins, price notices) are new documents.

Five weekly bulletins share a template and differ in dates and a few figures: by shingles each is
a near copy of the last, but each is a publication the reader must see. Republications elsewhere
and a re-post of the same issue on the same site stay duplicates.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from dedupe.issues import is_new_issue
from tests.e2e_site import Site
from tests.test_pipeline_e2e import exported, run_once
from tests.test_rounds_of_change import digest_now, html_config, listing

WEEK0 = dt.date(2024, 3, 4)
EN_TITLE = "Yangtze River Delta freight and logistics weekly bulletin"
ZH_TITLE = "长三角城市群物流运行周报"


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    site = Site(httpserver)
    site.put("/copies/", listing([]))
    site.install()
    return site


def en_bulletin(n: int) -> list[str]:
    day = (WEEK0 + dt.timedelta(weeks=n)).isoformat()
    return [
        f"Issued {day}. In the week ending {day}, container throughput at the ports of the "
        f"Yangtze River Delta urban agglomeration reached {120 + 7 * n}.5 thousand TEU, up "
        f"{3.1 + 0.4 * n:.1f} per cent on the previous week.",
        f"Rail freight across Shanghai, Jiangsu, Zhejiang and Anhui carried {56 + n}.3 million "
        f"tonnes, and the intercity logistics price index stood at {18.2 - 0.3 * n:.1f} points.",
        "The regional logistics office said new infrastructure, including smart ports and "
        "cold-chain hubs, continued to support high-quality development of the integrated market.",
        "Shippers are reminded that the next bulletin will be published on the following Monday "
        "and that figures for the previous week may be revised when final statistics are ready.",
    ]


def zh_bulletin(n: int) -> list[str]:
    day = WEEK0 + dt.timedelta(weeks=n)
    when = f"{day.year}年{day.month}月{day.day}日"
    return [
        f"{when}发布。截至{when}的一周，长三角城市群主要港口完成集装箱吞吐量{120 + 7 * n}.5万标箱，"
        f"环比增长{3.1 + 0.4 * n:.1f}%。",
        f"沪苏浙皖铁路货运量{56 + n}.3万吨，城际物流价格指数为{18.2 - 0.3 * n:.1f}点。",
        "区域物流办公室表示，智慧港口、冷链枢纽等新型基础设施建设持续推进，"
        "为区域一体化市场高质量发展提供有力支撑。",
        "本周，上海港、宁波舟山港、苏州港和连云港等枢纽港口运行平稳，长江干线船舶通航秩序良好，"
        "江海联运、海铁联运业务量保持稳定，多式联运示范工程建设有序推进。",
        "区域内高速公路货车通行总体顺畅，城际货运班列开行正常，航空货运枢纽运行平稳，"
        "跨省快递服务网络覆盖范围进一步扩大，农村物流服务体系持续完善。",
        "下一步，三省一市将继续深化物流领域协同合作，推动物流枢纽共建共享，"
        "降低全社会物流成本，服务构建新发展格局和长三角一体化高质量发展。",
        "请货主注意：下一期周报将于下周一发布，上周数据在最终统计结果公布后可能有所修订。",
    ]


def page(title: str, paragraphs: list[str], day: dt.date) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta name="citation_publication_date" content="{day.isoformat()}"></head>'
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    )


def issue(lang: str, n: int) -> str:
    day = WEEK0 + dt.timedelta(weeks=n)
    if lang == "zh":
        return page(ZH_TITLE, zh_bulletin(n), day)
    return page(EN_TITLE, en_bulletin(n), day)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_weekly_bulletins_of_one_source_are_each_new(
    site: Site, tmp_path: Path, db_url: str, lang: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    paths: list[str] = []
    for n in range(5):  # one issue a week, the listing keeps the older ones
        paths.append(f"/news/{lang}{n}.html")
        site.put(paths[-1], issue(lang, n))
        site.put("/news/", listing(paths))
        report = run_once(config)
        assert report["totals"]["new"] == 1 and report["duplicates"] == [], n
    docs = exported(config)
    assert len(docs) == 5 and all(d["duplicate_of"] is None for d in docs)
    assert digest_now(config)["stats"]["documents"] == 5

    third = next(d["id"] for d in docs if d["url"] == site.url(paths[3]))
    later = WEEK0 + dt.timedelta(weeks=3, days=1)  # another site reprints issue 3 a day later
    reprint = zh_bulletin(3) if lang == "zh" else en_bulletin(3)
    site.put("/copies/r3.html", page("Reprint: logistics weekly", reprint, later))
    site.put("/copies/", listing(["/copies/r3.html"]))
    (copy,) = run_once(config)["duplicates"]
    assert copy["duplicate_of"]["id"] == third


def test_issues_first_seen_in_one_run_are_each_new(site: Site, tmp_path: Path, db_url: str) -> None:
    config = html_config(tmp_path, db_url, site)
    paths = [f"/news/en{n}.html" for n in range(5)]
    for n, path in enumerate(paths):
        site.put(path, issue("en", n))
    site.put("/news/", listing(paths))
    assert run_once(config)["totals"]["new"] == 5
    assert digest_now(config)["stats"]["documents"] == 5


def test_republications_and_reposts_of_an_issue_stay_duplicates(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    paths = [f"/news/en{n}.html" for n in range(3)]
    for n, path in enumerate(paths):
        site.put(path, issue("en", n))
    site.put("/news/", listing(paths))
    ids = {d["url"]: d["id"] for d in run_once(config)["new"]}
    original = ids[site.url("/news/en1.html")]

    day = WEEK0 + dt.timedelta(weeks=1)
    later = day + dt.timedelta(days=2)  # another site republishes it two days later
    site.put("/copies/c1.html", page("Logistics bulletin (reprint)", en_bulletin(1), later))
    site.put("/copies/", listing(["/copies/c1.html"]))
    # the same site re-posts the issue at a second address, same date, a short note added
    site.put("/news/print/en1.html", page(EN_TITLE, [*en_bulletin(1), "Printable version."], day))
    # and once more re-dated, its wording edited but its figures those of that week
    edited = [p.replace("reminded", "advised") for p in en_bulletin(1)]
    site.put("/news/again/en1.html", page(EN_TITLE, edited, later))
    site.put("/news/", listing([*paths, "/news/print/en1.html", "/news/again/en1.html"]))
    report = run_once(config)
    assert report["new"] == []
    assert {d["url"]: d["duplicate_of"]["id"] for d in report["duplicates"]} == {
        site.url("/copies/c1.html"): original,
        site.url("/news/print/en1.html"): original,
        site.url("/news/again/en1.html"): original,
    }


def test_what_differs_decides_between_an_issue_and_a_repost() -> None:
    a, b = " ".join(en_bulletin(0)), " ".join(en_bulletin(1))
    d0, d1 = WEEK0, WEEK0 + dt.timedelta(weeks=1)
    assert is_new_issue(EN_TITLE, d1, b, EN_TITLE, d0, a)  # new figures, new date
    assert not is_new_issue(EN_TITLE, d0, b, EN_TITLE, d0, a)  # the same day: the same issue
    assert not is_new_issue(EN_TITLE, None, b, EN_TITLE, d0, a)  # undated: no evidence
    words = a.replace("smart ports", "automated harbours").replace("Monday", "Tuesday")
    assert not is_new_issue(EN_TITLE, d1, words, EN_TITLE, d0, a)  # edited words only
    assert is_new_issue("Bulletin No. 13", d1, a, "Bulletin No. 12", d0, a)
    assert is_new_issue("October bulletin", d1, a, "September bulletin", d0, a)
    zh0, zh1 = "".join(zh_bulletin(0)), "".join(zh_bulletin(1))
    assert is_new_issue(ZH_TITLE, d1, zh1, ZH_TITLE, d0, zh0)
    assert is_new_issue("物流周报（第13期）", d1, zh0, "物流周报（第12期）", d0, zh0)
    assert is_new_issue("十一月物流月报", d1, zh0, "十月物流月报", d0, zh0)


def test_a_repost_under_a_reworded_headline_is_no_new_issue() -> None:
    """The same site re-runs an article days later under 转载：/【关注】 or "Reprint:", a paragraph
    cut: its title differs in words, not figures, so it is the article again."""
    d0, d1 = WEEK0, WEEK0 + dt.timedelta(days=2)
    zh = zh_bulletin(0)
    cut = "".join(zh[:3] + zh[4:])
    assert not is_new_issue("转载：" + ZH_TITLE, d1, cut, ZH_TITLE, d0, "".join(zh))
    en = en_bulletin(0)
    assert not is_new_issue(
        "Reprint: " + EN_TITLE, d1, " ".join(en[:2] + en[3:]), EN_TITLE, d0, " ".join(en)
    )


def test_a_repost_on_the_same_site_under_a_new_headline_stays_a_duplicate(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    site.put("/news/zh0.html", issue("zh", 0))
    site.put("/news/", listing(["/news/zh0.html"]))
    (original,) = run_once(config)["new"]
    zh = zh_bulletin(0)
    later = WEEK0 + dt.timedelta(days=3)
    site.put("/news/re/zh0.html", page("【关注】" + ZH_TITLE, zh[:3] + zh[4:], later))
    site.put("/news/", listing(["/news/zh0.html", "/news/re/zh0.html"]))
    report = run_once(config)
    assert report["new"] == []
    (copy,) = report["duplicates"]
    assert copy["duplicate_of"]["id"] == original["id"]
