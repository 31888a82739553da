"""bench.eval_extraction: its scoring rules and its clean skip when the eval set is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import eval_extraction as ev


def test_skips_cleanly_without_the_eval_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AGGLOWATCH_EVAL_DIR", str(tmp_path / "absent"))
    assert ev.main(["--no-timing"]) == 0
    assert "skipping" in capsys.readouterr().out


def test_title_is_compared_without_space_and_punctuation() -> None:
    assert ev.title_correct("城市群 规划，印发！", "城市群规划印发") is True
    assert ev.title_correct("城市群规划印发-新华网", "城市群规划印发") is False
    assert ev.title_correct(None, "城市群规划印发") is False
    assert ev.title_correct("x", " ") is None  # an empty label is not scored


def test_hand_labels_are_used_only_for_zh_news(tmp_path: Path) -> None:
    assert ev.title_labels(tmp_path / "other") == {}
    labels = ev.title_labels(tmp_path / "zh-news")
    assert len(labels) == 35 and all(labels.values())


def test_a_small_eval_set_is_scored_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "set"
    for kind in ("original", "cleaned", "author", "date", "title"):
        (folder / kind).mkdir(parents=True)
    text = "城市群协同发展的具体举措包括交通一体化和产业分工。" * 6
    html = (
        "<html><head><title>城市群规划印发_某某网</title></head><body><h1>城市群规划印发</h1>"
        f"<p>作者：张三 发布时间：2024-03-05</p><p>{text}</p><p>{text}</p></body></html>"
    )
    (folder / "original" / "a.html").write_text(html, encoding="utf-8")
    (folder / "cleaned" / "a.txt").write_text(f"{text}\n{text}", encoding="utf-8")
    (folder / "author" / "a.txt").write_text("张三", encoding="utf-8")
    (folder / "date" / "a.txt").write_text("2024-03-05 10:00", encoding="utf-8")
    (folder / "title" / "a.txt").write_text("城市群规划印发", encoding="utf-8")
    monkeypatch.setenv("AGGLOWATCH_EVAL_DIR", str(folder))
    assert ev.main(["--repeat", "1"]) == 0
    out = capsys.readouterr().out
    ours = next(line for line in out.splitlines() if line.startswith("agglowatch"))
    assert "date=1.000" in ours and "author=1.000" in ours and "title=1.000" in ours
    assert "ms/doc" in out
