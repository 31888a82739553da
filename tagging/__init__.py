"""Themes and regions: the taxonomy (themes.yaml), the tagger and the retag diff.

taxonomy = load_taxonomy("themes.yaml")     # ConfigError on a bad file
tagger = Tagger(taxonomy)                   # builds the automaton once
result = tagger.tag(title, text, abstract=..., keywords=[...])   # -> TagResult
summary = diff_tags(old_results, new_results)                    # -> RetagSummary
"""

from tagging.retag import LabelChange, RetagSummary, diff_tags
from tagging.tagger import EntryScore, Tagger
from tagging.taxonomy import Entry, Taxonomy, load_taxonomy, parse_taxonomy
from tagging.terms import match_form

__all__ = [
    "Entry",
    "EntryScore",
    "LabelChange",
    "RetagSummary",
    "Tagger",
    "Taxonomy",
    "diff_tags",
    "load_taxonomy",
    "match_form",
    "parse_taxonomy",
]
