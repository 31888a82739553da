"""Several rounds of change on one loopback site, run after run, digest after digest.

Each round edits the site, runs the monitor through the functions the flow chains (no Prefect) and
builds a digest, as a scheduled install does; the checks are on the run reports and the digests'
JSON: nothing reported twice, nothing reported that did not change, nothing missed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from agglowatch.config import Config, load_config
from agglowatch.runner import open_database, utcnow
from digest.service import make_digest
from tests.e2e_site import Site
from tests.test_pipeline_e2e import ROOT, exported, run_once

PARAS = [
    "The Chengdu-Chongqing economic circle is building new infrastructure such as 5G base "
    "stations, data centres and intercity railways to support high-quality development.",
    "Officials said the plan for the twin-city economic circle will coordinate industrial chains, "
    "share public services and build a unified market across the region by 2025.",
    "Researchers argue that science and technology collaborative innovation between Chengdu and "
    "Chongqing is the key to the long-term competitiveness of the urban agglomeration.",
    "The report recommends green and low-carbon transformation, with carbon peaking and carbon "
    "neutrality targets written into the plans of every city in the region.",
]
EXTRA = (
    "The provincial governments will invest 300 billion yuan in intercity rail transit and hubs "
    "over the next five years, the spokesman said on Tuesday."
)
EXTRA_2 = (
    "The two cities will open a joint laboratory for hydrogen energy and share its equipment with "
    "universities in Sichuan and Chongqing."
)


def article(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="citation_publication_date" content="2024-03-05"></head>'
        f"<body><nav>Home | News</nav><article><h1>{title}</h1>{body}</article></body></html>"
    )


def listing(paths: list[str]) -> str:
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
    return f"<html><body><ul class='list'>{links}</ul></body></html>"


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    site = Site(httpserver)
    site.put("/copies/", listing([]))
    site.install()
    return site


def html_config(tmp_path: Path, db_url: str, site: Site, removed_after: int = 3) -> Config:
    """Two html sources: news (listing /news/, articles under /news/) and a republisher
    (listing /copies/, articles under /copies/)."""
    text = f"""
database: {db_url}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
removed_after: {removed_after}
fetch: {{allow_private_addresses: true, per_host_delay: 0, backoff: 0.01, respect_robots: false}}
sources:
  - name: news
    kind: html
    url: {site.url("/news/")}
    include: '/news/.+\\.html$'
  - name: copies
    kind: html
    url: {site.url("/copies/")}
    include: '/copies/.+\\.html$'
"""
    path = tmp_path / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def digest_now(config: Config) -> dict[str, Any]:
    _, factory = open_database(config)
    return make_digest(factory, config, since=None, send=False, now=utcnow())


def test_an_edit_reverted_before_the_next_digest_is_not_an_update_there(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    site.put("/news/", listing(["/news/a1.html"]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    assert run_once(config)["totals"]["new"] == 1
    assert len(digest_now(config)["themes"]) >= 1

    edited = [*PARAS[:2], EXTRA, *PARAS[2:]]
    site.put("/news/a1.html", article("Chengdu-Chongqing speeds up new infrastructure", edited))
    changes = run_once(config)["updated"][0]["changes"]
    assert changes["text"]["added"] == 1 and "title" in changes
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    changes = run_once(config)["updated"][0]["changes"]
    assert changes["text"]["removed"] == 1 and "title" in changes

    digest = digest_now(config)  # the page is what the last digest showed: nothing to report
    assert digest["updated"] == []
    assert digest["stats"]["updated"] == 0


def test_two_edits_before_a_digest_are_shown_as_one_net_change(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    title = "Chengdu-Chongqing builds new infrastructure"
    site.put("/news/", listing(["/news/a1.html"]))
    site.put("/news/a1.html", article(title, PARAS))
    run_once(config)
    digest_now(config)

    site.put("/news/a1.html", article(title, [*PARAS, EXTRA]))
    run_once(config)
    site.put("/news/a1.html", article(title, [*PARAS, EXTRA_2]))  # the new paragraph rewritten
    run_once(config)

    (updated,) = digest_now(config)["updated"]
    text = updated["changes"]["text"]  # since the last digest: one paragraph added, none removed
    assert (text["added"], text["removed"]) == (1, 0)
    assert text["excerpt_added"][0].startswith("The two cities will")
    assert not text.get("excerpt_removed")


OTHER = [
    "The Greater Bay Area published a talent policy to attract young researchers to its "
    "innovation corridors and shared laboratories in Shenzhen and Guangzhou.",
    "Researchers from Hong Kong and Macao can apply for mainland grants and receive housing "
    "subsidies, part of the plan for an international innovation centre in the Pearl River Delta.",
    "Universities welcomed the change, saying joint research on semiconductors and biomedicine "
    "across the urban agglomeration would move faster.",
]


def exported_by_url(config: Config) -> dict[str, dict[str, Any]]:
    return {doc["url"]: doc for doc in exported(config)}


def test_a_page_moved_to_a_new_address_is_the_same_document_not_a_removal(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    site.put("/news/", listing(["/news/a1.html", "/news/a3.html"]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    site.put("/news/a3.html", article("Greater Bay Area talent policy", OTHER))
    first = run_once(config)
    (moved_id,) = [d["id"] for d in first["new"] if d["url"].endswith("/a3.html")]
    digest_now(config)
    site.put("/copies/", listing(["/copies/a3.html"]))  # another site republishes it
    site.put("/copies/a3.html", article("Talent policy of the Bay Area", OTHER))
    assert [d["duplicate_of"]["id"] for d in run_once(config)["duplicates"]] == [moved_id]

    del site.pages["/news/a3.html"]  # the site reorganised: the old address is gone
    site.put("/news/2024/a3.html", article("Greater Bay Area talent policy", OTHER))
    site.put("/news/", listing(["/news/a1.html", "/news/2024/a3.html"]))
    report = run_once(config)
    assert report["new"] == [] and report["duplicates"] == []
    (moved,) = report["updated"]
    assert moved["id"] == moved_id
    assert moved["changes"] == {"url": [site.url("/news/a3.html"), site.url("/news/2024/a3.html")]}

    for _ in range(config.removed_after):  # the old address stays missing: nothing is removed
        later = run_once(config)
        assert later["removed"] == [] and later["new"] == [] and later["updated"] == []
    docs = exported_by_url(config)
    news = [site.url("/news/2024/a3.html"), site.url("/news/a1.html")]
    assert sorted(docs) == sorted([*news, site.url("/copies/a3.html")])
    assert docs[site.url("/news/2024/a3.html")]["id"] == moved_id
    assert docs[site.url("/news/2024/a3.html")]["status"] == "active"
    assert docs[site.url("/news/2024/a3.html")]["duplicate_of"] is None
    copy = docs[site.url("/copies/a3.html")]["duplicate_of"]  # points at the live address
    assert (copy["id"], copy["url"]) == (moved_id, site.url("/news/2024/a3.html"))
    digest = digest_now(config)  # nothing to read: the same text, at an address it now has
    assert digest["removed"] == [] and digest["updated"] == []
    assert digest["stats"]["documents"] == 0


def test_a_page_moved_and_edited_is_one_update_with_its_new_address(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    site.put("/news/", listing(["/news/a1.html"]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    (first,) = run_once(config)["new"]
    digest_now(config)

    del site.pages["/news/a1.html"]
    site.put(
        "/news/2024/a1.html",
        article("Chengdu-Chongqing builds new infrastructure", [*PARAS, EXTRA]),
    )
    site.put("/news/", listing(["/news/2024/a1.html"]))
    (moved,) = run_once(config)["updated"]
    assert moved["id"] == first["id"] and moved["changes"]["text"]["added"] == 1
    assert moved["changes"]["url"] == [site.url("/news/a1.html"), site.url("/news/2024/a1.html")]
    (updated,) = digest_now(config)["updated"]
    assert updated["url"] == site.url("/news/2024/a1.html")
    assert updated["changes"]["text"]["added"] == 1


def test_a_second_listed_address_of_a_page_is_a_duplicate_not_a_move(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site)
    site.put("/news/", listing(["/news/a3.html"]))
    site.put("/news/a3.html", article("Greater Bay Area talent policy", OTHER))
    run_once(config)

    site.put("/news/print/a3.html", article("Greater Bay Area talent policy", OTHER))
    site.put("/news/", listing(["/news/a3.html", "/news/print/a3.html"]))
    report = run_once(config)
    assert report["updated"] == [] and report["new"] == []
    assert [d["url"] for d in report["duplicates"]] == [site.url("/news/print/a3.html")]


def test_a_moved_republication_of_a_seed_stays_one_document(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    seed = (ROOT / "seeds" / "000_427ca8a6bf4e2fd1.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed.split("---", 2)[2].split("\n\n") if len(p.strip()) > 80]
    config = html_config(tmp_path, db_url, site)
    page = article("CDRF releases its urban agglomeration report", paragraphs)
    site.put("/news/", listing(["/news/s1.html"]))
    site.put("/news/s1.html", page)
    (copy,) = run_once(config)["duplicates"]
    assert copy["duplicate_of"]["seed"] is True

    del site.pages["/news/s1.html"]
    site.put("/news/2024/s1.html", page)
    site.put("/news/", listing(["/news/2024/s1.html"]))
    moved = run_once(config)
    assert moved["duplicates"] == [] and moved["new"] == []
    assert [u["changes"] for u in moved["updated"]] == [
        {"url": [site.url("/news/s1.html"), site.url("/news/2024/s1.html")]}
    ]
    (doc,) = exported(config)
    assert doc["url"] == site.url("/news/2024/s1.html")
    assert doc["duplicate_of"]["id"] == "000_427ca8a6bf4e2fd1.txt"


def test_an_original_taken_down_hands_its_copies_a_live_canonical(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    """The original leaves its site, a republication stays: the copy is the canonical document
    from then on (export), and the digest does not say the article was removed."""
    config = html_config(tmp_path, db_url, site, removed_after=1)
    site.put("/news/", listing(["/news/a1.html", "/news/a3.html"]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    site.put("/news/a3.html", article("Greater Bay Area talent policy", OTHER))
    site.put("/copies/", listing(["/copies/a1.html"]))
    site.put("/copies/a1.html", article("Twin-city circle builds infrastructure", PARAS[:3]))
    first = run_once(config)
    (original,) = [d["id"] for d in first["new"] if d["url"].endswith("/news/a1.html")]
    assert [d["duplicate_of"]["id"] for d in first["duplicates"]] == [original]
    digest_now(config)

    del site.pages["/news/a1.html"]
    site.put("/news/", listing(["/news/a3.html"]))
    report = run_once(config)
    assert [d["id"] for d in report["removed"]] == [original]  # gone from its source
    docs = exported_by_url(config)
    copy, gone = docs[site.url("/copies/a1.html")], docs[site.url("/news/a1.html")]
    assert copy["duplicate_of"] is None and copy["status"] == "active"
    assert gone["status"] == "removed" and gone["duplicate_of"]["id"] == copy["id"]
    digest = digest_now(config)
    assert digest["removed"] == [] and digest["stats"]["documents"] == 0

    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    site.put("/news/", listing(["/news/a1.html", "/news/a3.html"]))  # back: still the copy's copy
    back = run_once(config)
    assert back["new"] == [] and [u["id"] for u in back["updated"]] == [original]
    assert exported_by_url(config)[site.url("/news/a1.html")]["duplicate_of"]["id"] == copy["id"]


def test_a_copy_that_takes_over_from_an_original_shown_before_is_not_new_again(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    config = html_config(tmp_path, db_url, site, removed_after=1)
    site.put("/news/", listing(["/news/a1.html", "/news/a3.html"]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    site.put("/news/a3.html", article("Greater Bay Area talent policy", OTHER))
    run_once(config)
    shown = digest_now(config)
    assert shown["stats"]["documents"] == 2

    del site.pages["/news/a1.html"]  # the original goes as a copy comes, in one run
    site.put("/news/", listing(["/news/a3.html"]))
    site.put("/copies/", listing(["/copies/a1.html"]))
    site.put("/copies/a1.html", article("Twin-city circle builds infrastructure", PARAS[:3]))
    run_once(config)
    digest = digest_now(config)
    assert digest["stats"]["documents"] == 0 and digest["removed"] == []


def test_a_near_copy_with_a_new_date_is_a_new_issue_not_a_move(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    """A weekly bulletin: this week's page says almost what last week's did, at a new address,
    and last week's has left the listing's window. A new publication, not last week's moved."""
    config = html_config(tmp_path, db_url, site)
    week = [*PARAS, "Figures for the week: freight volume and passenger trips both rose."]
    site.put("/news/", listing(["/news/w1.html"]))
    site.put("/news/w1.html", article("Weekly bulletin", week))
    (first,) = run_once(config)["new"]

    page = article("Weekly bulletin", week).replace("2024-03-05", "2024-03-12")
    site.put("/news/w2.html", page)
    site.put("/news/", listing(["/news/w2.html"]))
    report = run_once(config)
    assert report["updated"] == []
    docs = exported_by_url(config)
    assert docs[site.url("/news/w1.html")]["id"] == first["id"]
    assert docs[site.url("/news/w2.html")]["published"] == "2024-03-12"


def test_a_document_shown_removed_that_comes_back_is_shown_back_once(
    site: Site, tmp_path: Path, db_url: str
) -> None:
    """The digest that said "removed" is followed by one that says it is back (status removed →
    active), whether the page came back unchanged or edited; a removal and return within one
    digest window was never shown and is not shown."""
    config = html_config(tmp_path, db_url, site, removed_after=1)
    both = ["/news/a1.html", "/news/a3.html"]
    stays = "/news/zh.html"  # a listing never goes empty (an empty one removes nothing)
    site.put(
        stays,
        article(
            "京津冀协同发展", ["京津冀城市群加快建设现代化首都都市圈，推进交通一体化和产业协同。"]
        ),
    )
    site.put("/news/", listing([*both, stays]))
    site.put("/news/a1.html", article("Chengdu-Chongqing builds new infrastructure", PARAS))
    site.put("/news/a3.html", article("Greater Bay Area talent policy", OTHER))
    ids = {d["url"]: d["id"] for d in run_once(config)["new"] if not d["url"].endswith(stays)}
    digest_now(config)

    site.put("/news/", listing([stays]))
    run_once(config)
    assert sorted(d["id"] for d in digest_now(config)["removed"]) == sorted(ids.values())

    site.put("/news/a3.html", article("Greater Bay Area talent policy", [*OTHER, EXTRA]))
    site.put("/news/", listing([*both, stays]))  # both back, one of them edited
    assert len(run_once(config)["updated"]) == 2
    digest = digest_now(config)
    back = {u["id"]: u["changes"] for u in digest["updated"]}
    assert back[ids[site.url("/news/a1.html")]] == {"status": ["removed", "active"]}
    edited = back[ids[site.url("/news/a3.html")]]
    assert edited["status"] == ["removed", "active"] and edited["text"]["added"] == 1
    assert digest["removed"] == [] and digest["stats"]["updated"] == 2
    assert digest_now(config)["updated"] == []  # told once

    site.put(
        "/news/", listing([both[1], stays])
    )  # gone and back between two digests: nothing to say
    run_once(config)
    site.put("/news/", listing([*both, stays]))
    run_once(config)
    digest = digest_now(config)
    assert digest["updated"] == [] and digest["removed"] == []
