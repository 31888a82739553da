"""The theme and region taxonomy (themes.yaml), validated once at load.

A bad file raises ConfigError naming the file, the theme or region and the field, so the user
can fix it; nothing is tagged with a half-read taxonomy.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from agglowatch.errors import ConfigError
from tagging.terms import HAN, is_latin, match_form

ENTRY_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_FAST_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


def _chinese_term(value: str) -> str:
    _check_term(value)
    if not HAN.search(value):
        raise ValueError(f"{value!r} has no Chinese character; put it in the _en list")
    return value


def _english_term(value: str) -> str:
    _check_term(value)
    if not is_latin(value):
        raise ValueError(f"{value!r} contains Chinese characters; put it in the _zh list")
    return value


def _check_term(value: str) -> None:
    if not match_form(value):
        raise ValueError(f"{value!r} is empty once normalised; give words, not punctuation")


ZhTerm = Annotated[str, AfterValidator(_chinese_term)]
EnTerm = Annotated[str, AfterValidator(_english_term)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Entry(_Strict):
    """One theme or region: labels, terms in both languages, exclusions, optional threshold."""

    id: str
    label_en: str = Field(min_length=1)
    label_zh: str = Field(min_length=1)
    description: str = Field(min_length=1)
    terms_zh: list[ZhTerm] = Field(default_factory=list)
    terms_en: list[EnTerm] = Field(default_factory=list)
    support_zh: list[ZhTerm] = Field(default_factory=list)
    support_en: list[EnTerm] = Field(default_factory=list)
    exclude_zh: list[ZhTerm] = Field(default_factory=list)
    exclude_en: list[EnTerm] = Field(default_factory=list)
    threshold: float | None = Field(default=None, gt=0, le=1)
    # themes only: a region's own name (one of its full terms: 长三角, Greater Bay Area) is a
    # supporting term of this theme - naming the agglomeration speaks of the agglomeration
    named_by_regions: bool = False

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, value: str) -> str:
        if not ENTRY_ID.match(value):
            raise ValueError("must be lower-case letters, digits and '-', e.g. 'carbon-neutrality'")
        return value

    @model_validator(mode="after")
    def _has_distinct_terms(self) -> Entry:
        if not (self.terms_zh or self.terms_en or self.support_zh or self.support_en):
            raise ValueError("needs at least one term (terms_zh, terms_en, support_zh, support_en)")
        seen: dict[str, str] = {}
        for term, _ in self.weighted_terms(1.0):
            key = match_form(term)
            if key in seen:
                raise ValueError(f"terms {seen[key]!r} and {term!r} are the same once normalised")
            seen[key] = term
        return self

    def weighted_terms(self, support_weight: float) -> list[tuple[str, float]]:
        """Every term as written in the taxonomy, with its weight, in display order."""
        full = [(term, 1.0) for term in (*self.terms_zh, *self.terms_en)]
        support = [(term, support_weight) for term in (*self.support_zh, *self.support_en)]
        return full + support

    @property
    def exclusions(self) -> list[str]:
        return [*self.exclude_zh, *self.exclude_en]


class Defaults(_Strict):
    threshold: float = Field(default=0.3, gt=0, le=1)
    region_threshold: float = Field(default=0.35, gt=0, le=1)
    support_weight: float = Field(default=0.3, gt=0, le=1)
    booster: bool = False  # themes: the learned booster (tagging/booster.py) may add a theme


class Context(_Strict):
    """Words that say where a document is set (at home in China, or abroad) and whether it is
    about sport, or about the weather, a meal or a trip (leisure).

    A document that names places abroad and nothing at home (no region, no home word) is about
    somewhere else: it gets no theme, since the themes are China's policy themes. In a document
    about sport (sport words all through it), city and province names are teams and venues: they
    make no region unless the title or keywords name it or a region's own name is used. In a
    weather report, a restaurant review or a travel guide (leisure words all through it) a city is
    where it rains or where to eat: it makes no region. In a speech (or a report of one) a theme
    named in one sentence only is a slogan of the occasion, and so it is in an advertisement
    (a flat, a car, a course for sale: its words in two sentences), where it is sales talk
    ("杭州都市圈一体化…让板块的未来价值值得期待"). In a share-market report or a clinical
    or laboratory study (setting words all through it, or in its title) that is about no theme,
    a city is where the exchange, the hospital or the cohort is: member cities make no region.
    """

    home_zh: list[ZhTerm] = Field(default_factory=list)
    home_en: list[EnTerm] = Field(default_factory=list)
    abroad_zh: list[ZhTerm] = Field(default_factory=list)
    abroad_en: list[EnTerm] = Field(default_factory=list)
    sport_zh: list[ZhTerm] = Field(default_factory=list)
    sport_en: list[EnTerm] = Field(default_factory=list)
    leisure_zh: list[ZhTerm] = Field(default_factory=list)
    leisure_en: list[EnTerm] = Field(default_factory=list)
    speech_zh: list[ZhTerm] = Field(default_factory=list)
    speech_en: list[EnTerm] = Field(default_factory=list)
    setting_zh: list[ZhTerm] = Field(default_factory=list)
    setting_en: list[EnTerm] = Field(default_factory=list)
    advert_zh: list[ZhTerm] = Field(default_factory=list)
    advert_en: list[EnTerm] = Field(default_factory=list)

    def entries(self) -> list[Entry]:
        """Home (0), abroad (1), sport (2), leisure (3), speech (4), setting (5) and advert (6)
        as entries,
        so that one automaton matches them."""
        out = []
        for name, zh, en in (
            ("home", self.home_zh, self.home_en),
            ("abroad", self.abroad_zh, self.abroad_en),
            ("sport", self.sport_zh, self.sport_en),
            ("leisure", self.leisure_zh, self.leisure_en),
            ("speech", self.speech_zh, self.speech_en),
            ("setting", self.setting_zh, self.setting_en),
            ("advert", self.advert_zh, self.advert_en),
        ):
            out.append(
                Entry.model_construct(
                    id=name,
                    label_en=name,
                    label_zh=name,
                    description=name,
                    terms_zh=list(zh),
                    terms_en=list(en),
                    support_zh=[],
                    support_en=[],
                    exclude_zh=[],
                    exclude_en=[],
                    threshold=None,
                )
            )
        return out


class Names(_Strict):
    """The endings of proper names that contain theme or region words.

    A term followed, within the same run of Chinese characters, by one of these endings is part
    of a name, not the document's subject: 长三角某研究院 is an employer, 黄河流域生态保护和
    高质量发展先行区 a programme's name. Organisations (研究院, 集团) take both theme and region
    terms out of the count; programmes (战略, 先行区) only theme terms, since a zone or strategy
    named after a region is still about that region. Plans (规划) take out theme terms too, but
    not those of a theme that the regions' names support: a plan is drawn for a place, and a
    cluster's plan (郑州都市圈发展规划) is about the cluster, while 高质量发展 in its name is
    not its subject.
    """

    organisations_zh: list[ZhTerm] = Field(default_factory=list)
    programmes_zh: list[ZhTerm] = Field(default_factory=list)
    plans_zh: list[ZhTerm] = Field(default_factory=list)


class Taxonomy(_Strict):
    """Themes and regions; ids are unique within each list."""

    version: Literal[1] = 1
    defaults: Defaults = Defaults()
    themes: list[Entry] = Field(min_length=1)
    regions: list[Entry] = Field(default_factory=list)
    context: Context = Context()
    names: Names = Names()

    @field_validator("themes", "regions")
    @classmethod
    def _unique_ids(cls, entries: list[Entry]) -> list[Entry]:
        seen: set[str] = set()
        for entry in entries:
            if entry.id in seen:
                raise ValueError(f"id {entry.id!r} is used twice; ids must be unique")
            seen.add(entry.id)
        return entries

    def entry_terms(self, entry: Entry) -> list[tuple[str, float]]:
        """An entry's terms with their weights (full, or the support weight), in display order;
        a theme `named_by_regions` then has every region's full terms it lacks, as support."""
        terms = entry.weighted_terms(self.defaults.support_weight)
        if entry.named_by_regions:
            seen = {match_form(term) for term, _ in terms}
            for term in self.region_names():
                if match_form(term) not in seen:
                    seen.add(match_form(term))
                    terms.append((term, self.defaults.support_weight))
        return terms

    def region_names(self) -> list[str]:
        """The regions' own names: their full terms that their label says (长三角 of
        长三角城市群, Greater Bay Area of "Pearl River Delta (... Greater Bay Area)") - not the
        new areas and projects inside them (雄安, 秦创原)."""
        names = []
        for region in self.regions:
            label = match_form(f"{region.label_zh} {region.label_en}")
            names += [t for t in (*region.terms_zh, *region.terms_en) if match_form(t) in label]
        return names

    def entry_exclusions(self, entry: Entry) -> list[str]:
        """An entry's exclusions; a theme `named_by_regions` also has the regions' (旧金山大湾区
        is not the Greater Bay Area)."""
        if not entry.named_by_regions:
            return entry.exclusions
        return [*entry.exclusions, *(term for region in self.regions for term in region.exclusions)]

    def theme_threshold(self, entry: Entry) -> float:
        return entry.threshold if entry.threshold is not None else self.defaults.threshold

    def region_threshold(self, entry: Entry) -> float:
        return entry.threshold if entry.threshold is not None else self.defaults.region_threshold

    @property
    def theme_ids(self) -> list[str]:
        return [entry.id for entry in self.themes]

    @property
    def region_ids(self) -> list[str]:
        return [entry.id for entry in self.regions]


def load_taxonomy(path: str | os.PathLike[str]) -> Taxonomy:
    """Read and validate a themes.yaml; every problem is a ConfigError that names the file."""
    file = Path(path)
    try:
        raw = yaml.load(file.read_text(encoding="utf-8"), Loader=_FAST_SAFE_LOADER)
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such taxonomy file (see 'themes' in the config)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: the top level must be a mapping with 'themes' and 'regions'")
    return parse_taxonomy(raw, file)


def parse_taxonomy(raw: dict[str, Any], file: str | os.PathLike[str] = "<taxonomy>") -> Taxonomy:
    """Validate an already-read mapping (`file` only names it in errors)."""
    try:
        return Taxonomy.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{file}: invalid taxonomy"]
        lines += [f"  {_locate(e['loc'], raw)}: {_message(e)}" for e in exc.errors()]
        raise ConfigError("\n".join(lines)) from None


def _locate(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """Say 'theme "innovation", field "terms_en" (item 3)' rather than 'themes.3.terms_en.2'."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] in ("themes", "regions") and isinstance(parts[1], int):
        kind = "theme" if parts[0] == "themes" else "region"
        entries = raw.get(parts[0]) or []
        entry = entries[parts[1]] if parts[1] < len(entries) else None
        name = entry.get("id") if isinstance(entry, dict) else None
        label = f'{kind} "{name}"' if name else f"{kind} #{parts[1] + 1}"
        if len(parts) == 2:
            return label
        where = f'{label}, field "{parts[2]}"'
        return f"{where} (item {parts[3] + 1})" if len(parts) > 3 else where
    return 'field "' + ".".join(str(p) for p in parts) + '"' if parts else "top level"


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (check its spelling; see the comments at the top of themes.yaml)"
    return str(error["msg"]).removeprefix("Value error, ")
