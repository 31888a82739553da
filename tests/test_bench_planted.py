"""The bench corpus's planted republications are all found, stage by stage.

bench_pipeline prints this recall beside its timings, where a regression is easy to miss among
figures (a rule for issues of a series once took 11 of 25 same-source re-posts under a new
headline for new documents, and only the printed "14 of 25" said so). Here it fails a test.
"""

from __future__ import annotations

from bench.bench_pipeline import run_benchmark


def test_every_planted_republication_is_clustered_with_its_original() -> None:
    pages, stages, runs = run_benchmark(count=140, batch=50, per_source=50, rounds=0)
    assert runs == [] and stages.failed == 0
    assert stages.planted == sum(page.republishes is not None for page in pages) > 0
    assert stages.planted_found == stages.planted
    assert stages.false_duplicates == 0
