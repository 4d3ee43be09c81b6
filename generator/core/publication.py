"""A whole catalogue as of one moment: what is public, what is withheld and why, and what to fix.

Read :func:`publish` top to bottom. The rules for one file are in
:mod:`.policy`; here they meet the references between files.

1. Each file on its own: :func:`.policy.withholding`.
2. Names are tripwires. Every name (``name``, ``also_known_as``), the file name
   and the photo of a defender withheld for consent (withdrawn, or not given
   yet): a file whose public text mentions one is withheld until it is edited,
   and a warning names each place. The final scan of every output looks for
   them too (:attr:`Publication.watched`).
3. Errors are for what a volunteer wrote wrongly, and never depend on the date:
   a file that may be published, now or when the calendar allows, must not
   name a draft or a profile not vetted by a second person, show a photo
   without consent, or contain a private real name. So a project that builds
   today builds tomorrow.
4. The public files, without their references to what is withheld now (a
   profile whose review date passed, an embargoed action, a withdrawn
   defender): each reference left out is a warning that names both files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from . import languages, links
from .model import Defender, Entry, Tour
from .names import NameFinder, Watched, texts
from .per_file import Remembered, collect_secrets, remembered_shown
from .policy import Clock, Withholding, shown, withholding
from .problems import Problem, format_key
from .source import MEDIA_DIR
from .validate import Catalogue

#: What a file is called in messages about it.
LABELS = {"action": "action", "defender": "profile", "tour": "tour", "campaign": "campaign", "page": "page"}
#: Fields that name other files by slug or id: left out where they point at something withheld.
REFERENCES = frozenset({"defenders", "campaigns", "actions", "themes"})


@dataclass(frozen=True)
class Withheld:
    """A file left out of this build, and why (shown to volunteers, never published)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Publication:
    """The public catalogue, what was withheld, the warnings, and the problems that stop the build."""

    public: Catalogue
    withheld: list[Withheld] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    secrets: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Each private.real_name, mapped to the file and line that declare it."""
    warnings: list[Problem] = field(default_factory=list)
    watched: dict[str, Watched] = field(default_factory=dict)
    """Every text no output may contain: the real names, and each name, file name and photo of a
    defender withheld for consent. The final scan looks for them in every byte."""
    unlinked: frozenset[str] = frozenset()
    """Source paths that exist and are not public (files, photos): links to them are left out."""
    languages: "languages.Languages | None" = None
    """The public catalogue in each site language (``public`` is the default language's)."""


#: Keys that name other files by slug or id: facts, taken from the original by its translations.
_FACT_REFERENCES = frozenset({"campaigns", "defenders", "stops", "image"})


def publish(catalogue: Catalogue, clock: Clock, warn_days: int = 14,
            settings_languages: tuple[str, ...] = ("en",), remembered: Remembered | None = None) -> Publication:
    """Apply the policy to every file as of ``clock``, and check what the files point at.

    ``settings_languages``: the site's languages, the default first. ``remembered``: what was worked out of
    each file alone in earlier runs (:class:`.per_file.Remembered`), filled here.
    """
    entries = list(catalogue.entries())
    held: dict[str, Withholding] = {}
    for entry in entries:
        reason = withholding(entry, clock)
        if reason is not None:
            held[entry.path] = reason
    # Files that are public now, or will be when the calendar allows: the static rules apply to them.
    candidates = {e.path: remembered_shown(e, remembered) for e in entries if e.path not in held or held[e.path].timed}
    secrets = collect_secrets(catalogue, remembered)
    watched = {name: Watched(path, line, "private.real_name", "this real name") for name, (path, line) in secrets.items()}
    warnings: list[Problem] = []

    # 2. Names of defenders withheld for consent.
    tripwires = _tripwires(catalogue, held)
    watched.update({name: wire.watched for name, wire in tripwires.items()})
    photos = _Photos(catalogue, held)
    finder = NameFinder(tripwires)
    if finder:
        unlinked = frozenset(held) | photos.guarded
        for path, entry in candidates.items():
            if path in held:
                continue
            mentions = finder.mentions(_public_texts(photos.without_hidden(entry)[0], unlinked))
            if mentions:
                wires = [finder.names[m.name] for m in mentions]
                held[path] = Withholding(f"names {wires[0].shown}, {wires[0].why}", timed=True)
                warnings += [Problem(path, m.line, format_key(m.loc), f"names {wire.shown}, {wire.why}: "
                                     f"edit the text to publish this {LABELS[entry.kind]} again")
                             for m, wire in zip(mentions, wires)]

    # Translations (not drafts) of the files that may be published: each checked as its own text.
    translated = languages.versions(catalogue, candidates)
    refused: dict[tuple[str, str], str] = {}
    if finder:
        unlinked = frozenset(held) | photos.guarded
        for path, versions in translated.items():
            for lang, (translation, entry) in versions.items():
                mine = Entry(translation.source, translation.record, translation.body)
                mentions = finder.mentions(_public_texts(mine, unlinked)[1:])  # its file name is the original's
                if mentions:
                    wire = finder.names[mentions[0].name]
                    refused[path, lang] = f"names {wire.shown}, {wire.why}"
                    warnings += [languages.mention_warning(translation, m.line, m.loc, finder.names[m.name].shown,
                                                           finder.names[m.name].why) for m in mentions]

    # 3. What a volunteer must fix, whatever the date.
    unlinked = frozenset(held) | photos.guarded
    referrer = _Referrer(catalogue)
    problems = _references_to_fixable(candidates.values(), referrer, held)
    problems += photos.fixable_uses(candidates.values())
    problems += find_secrets(candidates.values(), secrets)
    for versions in translated.values():  # what a translation says itself: its links, photos, names
        entries = [entry for _, entry in versions.values()]
        problems += [p for p in _references_to_fixable(entries, referrer, held) if p.key.split(".")[0].split("[")[0]
                     not in _FACT_REFERENCES]
        problems += [p for p in photos.fixable_uses(entries) if p.key != "image"]
        problems += find_secrets([shown(Entry(t.source, t.record, t.body)) for t, _ in versions.values()], secrets)

    # 4. The public files, without what they refer to that is withheld now.
    public = Catalogue(links=catalogue.links)
    for path, entry in candidates.items():
        if path in held:
            continue
        entry, dropped = photos.without_hidden(entry)
        entry, more = _without_withheld(entry, referrer, held)
        warnings += dropped + more + _time_warnings(entry, clock, warn_days)
        public.of(entry.kind)[entry.slug] = entry
    # 5. Each language: a file in its translation for that language where one may be shown, else as written.
    shown_translations: dict[str, dict[str, Entry]] = {}
    for path, versions in translated.items():
        for lang, (translation, entry) in versions.items():
            if path in held or (path, lang) in refused:
                continue
            entry, _ = photos.without_hidden(entry)
            entry, more = _without_withheld(entry, referrer, held)
            warnings += [w for w in more if w.key.split(".")[0].split("[")[0] not in _FACT_REFERENCES]
            shown_translations.setdefault(path, {})[lang] = entry
    public_originals = {e.source.path: e for e in public.entries()}
    by_language = languages.publish_languages(settings_languages, public_originals, shown_translations, refused)
    warnings += languages.stale(catalogue)
    withheld = []
    for path in sorted(held):  # each withheld file, then its translations: withheld with it, and listed
        withheld.append(Withheld(path, held[path].reason))
        withheld += [Withheld(t.path, f"translates {path}, which is withheld ({held[path].reason})")
                     for _, t in sorted(catalogue.translations.get(path, {}).items())]
    withheld += [Withheld(translated[path][lang][0].path, why) for path, lang in sorted(refused) if path in translated
                 for why in [refused[path, lang]]]
    default = by_language.public[settings_languages[0]]
    default.links.update(catalogue.links)
    return Publication(default, withheld, problems, secrets, sorted(set(warnings)), watched, unlinked, by_language)


# ---------------------------------------------------------------- names


@dataclass(frozen=True)
class Tripwire:
    """A name of a defender withheld for consent: what warnings call it, why, and the rule for the scan."""

    shown: str
    """``'Lucía'``, or ``'lucia' (the file name of content/defenders/lucia.md)``."""
    why: str
    """``whose consent was withdrawn on 2026-12-01``."""
    watched: Watched


def _tripwires(catalogue: Catalogue, held: dict[str, Withholding]) -> dict[str, Tripwire]:
    """Every name, alias, file name and photo of each defender withheld for consent."""
    out: dict[str, Tripwire] = {}

    def add(text: str, entry: Entry, loc: tuple, shown: str, why: str) -> None:
        key = format_key(loc) if loc else "file name"
        what = f"{shown}, of a defender {why},"
        out.setdefault(text, Tripwire(shown, why, Watched(entry.path, entry.line(loc), key, what, True)))

    for slug, entry in catalogue.defenders.items():
        why = held[entry.path].consent if entry.path in held else None
        if not why:
            continue
        meta = entry.meta
        add(meta.name, entry, ("name",), f"{meta.name!r}", why)
        for i, alias in enumerate(meta.also_known_as):
            add(alias, entry, ("also_known_as", i), f"{alias!r}", why)
        add(slug, entry, (), f"{slug!r} (the file name of {entry.path})", why)
        if meta.image:
            add(meta.image, entry, ("image",), f"{meta.image} (the photo of {entry.path})", why)
    return out


def _public_texts(entry: Entry, unlinked: frozenset[str]) -> list[tuple[tuple, int, str]]:
    """``(key path, first line, text)`` of everything the file would publish, file name included.

    References by slug are not text (they are left out when they point at
    something withheld), nor are the targets of links to withheld files.
    """
    out = [(("file name",), 1, entry.slug)]
    for loc, text in texts(entry.meta, (), REFERENCES):
        out.append((loc, entry.source.text_line(loc), links.without_targets(text, entry.path, unlinked)))
    out.append((("body",), entry.source.body_line, links.without_targets(entry.body, entry.path, unlinked)))
    return out


def find_secrets(entries, secrets: dict[str, tuple[str, int]]) -> list[Problem]:
    """Problems for every text of ``entries`` (as they would be shown) that contains a real name."""
    finder = NameFinder({name: f"{path}:{line}" for name, (path, line) in secrets.items()})
    if not finder:
        return []
    problems = []
    for entry in entries:
        found = [(loc, entry.source.text_line(loc), text) for loc, text in texts(entry.meta)]
        found.append((("body",), entry.source.body_line, entry.body))
        for mention in finder.mentions(found):
            problems.append(Problem(entry.path, mention.line, format_key(mention.loc),
                                    f"contains the private real name from {finder.names[mention.name]}: remove it"))
    return problems


# ---------------------------------------------------------------- references


@dataclass(frozen=True)
class _Reference:
    """One file named by another: by slug (``defenders[1]``), by action id in a stop, or by a link."""

    loc: tuple
    line: int
    target: Entry

    @property
    def key(self) -> str:
        return format_key(self.loc)

    @property
    def by_link(self) -> bool:
        return self.loc[0] not in ("campaigns", "defenders", "stops")

    def describe(self) -> str:
        if self.by_link:
            return f"the link to {self.target.path}"
        name = self.target.meta.id if self.loc[0] == "stops" else self.target.slug
        return f"{ {'campaigns': 'campaign', 'defenders': 'defender', 'stops': 'action'}[self.loc[0]]} {name!r} ({self.target.path})"


def _references(entry: Entry, catalogue: Catalogue, ids: dict[str, Entry], by_path: dict[str, Entry]):
    """Every file this one names by slug, action id or link."""
    fields = entry.meta.__dict__  # the record's field values: a kind without the field names nothing there
    for name in ("campaigns", "defenders"):
        for i, slug in enumerate(fields.get(name, ())):
            target = catalogue.of(name[:-1]).get(slug)
            if target is not None:
                yield _Reference((name, i), entry.line((name, i)), target)
    for i, stop in enumerate(fields.get("stops", ())):
        for j, action_id in enumerate(stop.actions):
            if action_id in ids:
                loc = ("stops", i, "actions", j)
                yield _Reference(loc, entry.line(loc), ids[action_id])
    for loc, target, line in catalogue.links.get(entry.path, ()):
        if target in by_path:
            yield _Reference(loc, line, by_path[target])


class _Referrer:
    """Looks up what files name, once per catalogue, and once per entry (the same object: asked by the errors,
    then by the public file, which is most often the very same entry)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self.ids = {a.meta.id: a for a in catalogue.actions.values()}
        self.by_path = catalogue.by_path()
        self._found: dict[int, tuple[Entry, list[_Reference]]] = {}

    def __call__(self, entry: Entry) -> list[_Reference]:
        found = self._found.get(id(entry))
        if found is None or found[0] is not entry:  # the entry is kept with its references: its id is not reused
            found = self._found[id(entry)] = (entry, list(_references(entry, self.catalogue, self.ids, self.by_path)))
        return found[1]


def _references_to_fixable(entries, referrer: _Referrer, held: dict[str, Withholding]) -> list[Problem]:
    """A file that may be published and names a draft or an unvetted profile: the volunteer's error."""
    problems = []
    for entry in entries:
        for ref in referrer(entry):
            reason = held.get(ref.target.path)
            if reason is None or reason.timed:
                continue
            if ref.loc[0] == "campaigns":
                message = f"campaign {ref.target.slug!r} is not published: remove it here, or publish the campaign"
            elif ref.loc[0] == "defenders":
                message = (f"defender {ref.target.slug!r} is not published (not vetted, consented and current): "
                           "remove it here until the profile is public")
            elif ref.loc[0] == "stops":
                message = f"action {ref.target.meta.id!r} is not published: remove it from this stop"
            else:
                message = f"links to {ref.target.path}, which is not published: remove the link"
            problems.append(Problem(entry.path, ref.line, ref.key, message))
    return problems


def _without_withheld(entry: Entry, referrer: _Referrer, held: dict[str, Withholding]) -> tuple[Entry, list[Problem]]:
    """The file without its references to withheld files; a warning for each one the calendar withholds."""
    dropped: set[tuple] = set()
    warnings = []
    for ref in referrer(entry):
        reason = held.get(ref.target.path)
        if reason is None:
            continue
        dropped.add(ref.loc)
        if reason.timed:
            warnings.append(Problem(entry.path, ref.line, ref.key,
                                    f"{ref.describe()} is withheld ({reason.reason}): left out of this "
                                    f"{LABELS[entry.kind]} until it is public again"))
    meta = entry.meta
    changes: dict[str, Any] = {}
    for name in ("campaigns", "defenders"):
        if any(loc[0] == name for loc in dropped):
            changes[name] = tuple(v for i, v in enumerate(getattr(meta, name)) if (name, i) not in dropped)
    if any(loc[0] == "stops" for loc in dropped):
        changes["stops"] = tuple(
            stop.model_copy(update={"actions": tuple(a for j, a in enumerate(stop.actions)
                                                     if ("stops", i, "actions", j) not in dropped)})
            for i, stop in enumerate(meta.stops))
    # Links in Markdown are left out where they are rendered (Publication.unlinked).
    return (entry.replace(meta=meta.model_copy(update=changes)) if changes else entry), warnings


class _Photos:
    """Defenders' photos: which may be shown, which must be asked for, which are hidden for now."""

    def __init__(self, catalogue: Catalogue, held: dict[str, Withholding]):
        self.catalogue = catalogue
        self.fixable: dict[str, str] = {}
        """Photo to profile: no consent to show it, or the profile is not vetted (an error wherever used)."""
        self.hidden: dict[str, tuple[str, str]] = {}
        """Photo to (profile, reason): withheld for now (left out wherever used, with a warning)."""
        for defender in catalogue.defenders.values():
            meta = defender.meta
            if not meta.image:
                continue
            path = f"content/{meta.image}"
            reason = held.get(defender.path)
            if not meta.consent.photo or (reason is not None and not reason.timed):
                self.fixable[path] = defender.path
            elif reason is not None:
                self.hidden.setdefault(path, (defender.path, reason.reason))

    @property
    def guarded(self) -> frozenset[str]:
        return frozenset(self.fixable) | frozenset(self.hidden)

    def _uses(self, entry: Entry):
        """``(line, key, photo)`` for the file's image and every image its Markdown shows."""
        if entry.meta.image and not isinstance(entry.meta, Defender):
            yield entry.line(("image",)), "image", f"content/{entry.meta.image}"
        for loc, path, line in self.catalogue.links.get(entry.path, ()):
            if path.startswith(MEDIA_DIR + "/"):
                yield line, format_key(loc), path

    def fixable_uses(self, entries) -> list[Problem]:
        return [Problem(entry.path, line, key,
                        f"{path} is the photo of a profile that may not show it ({self.fixable[path]}): use another image")
                for entry in entries for line, key, path in self._uses(entry) if path in self.fixable]

    def without_hidden(self, entry: Entry) -> tuple[Entry, list[Problem]]:
        """The file without the photos withheld for now, and a warning for each."""
        warnings = []
        for line, key, path in self._uses(entry):
            if path in self.hidden and path not in self.fixable:
                profile, reason = self.hidden[path]
                warnings.append(Problem(entry.path, line, key,
                                        f"{path} is the photo of {profile}, which is withheld ({reason}): "
                                        f"left out of this {LABELS[entry.kind]} until the profile is public again"))
        if entry.meta.image and f"content/{entry.meta.image}" in self.hidden and not isinstance(entry.meta, Defender):
            entry = entry.replace(meta=entry.meta.model_copy(update={"image": None, "image_alt": None}))
        return entry, warnings


# ---------------------------------------------------------------- warnings time brings


def _time_warnings(entry: Entry, clock: Clock, warn_days: int) -> list[Problem]:
    """What is about to change by itself: a review date close, future stops dated in the future in feeds."""
    meta = entry.meta
    out = []
    if isinstance(meta, Defender):
        review_by = meta.vetting.review_by
        if review_by is not None and (review_by - clock.today) <= timedelta(days=warn_days):
            out.append(Problem(entry.path, entry.line(("vetting", "review_by")), "vetting.review_by",
                               f"review due on {review_by.isoformat()}: after it the profile is withheld"))
    if isinstance(meta, Tour) and meta.announced is None and meta.publish_on is None:
        if any(s.announced is None and clock.instant(s.starts) > clock.now + timedelta(days=1) for s in meta.stops):
            out.append(Problem(
                entry.path, entry.line(("stops",)), "announced",
                "add announced: YYYY-MM-DD (when the tour was made public): without it, feed entries "
                "of future stops are dated in the future, which feed readers distrust"))
    return out
