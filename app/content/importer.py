"""Import case-study files into the catalogue: validate every file, then write all or nothing."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from blinker import Namespace

from app.catalog.document_store import store_document
from app.catalog.image_store import store_variants
from app.catalog.models import (
    GOVERNMENT_KINDS,
    PUBLISHED,
    Award,
    Contact,
    Indicator,
    Innovation,
    InnovationDocument,
    InnovationImage,
    Institution,
    Owner,
    Sector,
    Theme,
)
from app.catalog.owners import free_slug, government_owner
from app.content import files
from app.content.documents import fingerprint_of, load_documents
from app.content.export import case_of, same_content
from app.content.images import load_images
from app.content.kit import fill_kit
from app.content.problems import ImportFailed, Problem
from app.content.schema import Reference, validate
from app.extensions import db
from app.files import digest_of
from app.regions.models import Region
from app.rendering import render_markdown
from app.slugs import slugify

# Sent with each innovation an import created or changed, after the flush, so that the
# editing history can keep the imported version without the importer knowing of it.
innovation_imported = Namespace().signal("innovation-imported")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    folder: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Changed on the site since their last import, so left as they are (unless forced).
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self):
        return len(self.created) + len(self.updated) + len(self.unchanged)


def load_reference():
    """The sectors, themes and regions that files may name, from the database."""
    return Reference(
        sectors=set(db.session.scalars(sa.select(Sector.slug))),
        themes=set(db.session.scalars(sa.select(Theme.slug))),
        regions=dict(db.session.execute(sa.select(Region.code, Region.kind)).all()),
    )


def import_case_studies(path, dry_run=False, force=False):
    """Validate every file under ``path``; if all are valid, write them (flush, no commit).

    A case study changed on the site since its last import is skipped (and reported)
    unless ``force``: an older file must not undo an editor's work. New ones are published.
    Raises ImportFailed with every problem found, before anything is written.
    """
    folder, paths = files.discover(path)
    if not paths:
        raise ImportFailed([Problem(str(path), "holds no case-study files (*.md)")])
    cases = _validate_all(paths, load_reference())
    report = ImportReport(folder=str(folder))
    _write(cases, report, dry_run, force)
    report.missing = _missing(folder, {case.slug for case in cases})
    return report


def _validate_all(paths, reference):
    problems, cases, first_file_of = [], [], {}
    for path in paths:
        source, file_problems = files.read(path)
        if source:
            case, file_problems = validate(source.path, source.data, source.lines, source.body, path.stem, reference)
            fingerprints = [source.fingerprint]
            if case and case.images:
                prepared, image_problems = load_images(case.images, path)
                line = source.lines.get("images")
                file_problems = [Problem(case.path, text, field="images", line=line) for text in image_problems]
                case.prepared_images = prepared
                # The pictures are part of what the file says: a changed picture is a changed file.
                fingerprints += [image.source_digest for image in prepared]
            if case and case.documents:
                loaded, document_problems = load_documents(case.documents, path)
                line = source.lines.get("documents")
                file_problems += [Problem(case.path, text, field="documents", line=line) for text in document_problems]
                case.loaded_documents = loaded
                # So are the documents: "d" keeps a document's digest apart from a picture's.
                fingerprints += ["d", *fingerprint_of(loaded)]
            if case and file_problems:
                case = None
            if case:
                case.fingerprint = (
                    digest_of("\0".join(fingerprints).encode()) if len(fingerprints) > 1 else source.fingerprint
                )
                if case.slug in first_file_of:
                    file_problems = [Problem(case.path, f"duplicate slug {case.slug!r}, also used by "
                                             f"{first_file_of[case.slug]}", field="slug",
                                             line=source.lines.get("slug"))]  # fmt: skip
                else:
                    first_file_of[case.slug] = case.path
                    cases.append(case)
        problems.extend(file_problems)
    problems.extend(owner_conflicts(cases))
    if problems:
        raise ImportFailed(problems)
    return cases


def _owner_key(case):
    # A regional government is identified by its region; other owners by their name.
    return ("region", case.region) if case.owner_kind in GOVERNMENT_KINDS else ("name", slugify(case.owner))


def owner_conflicts(cases):
    """A ministry, agency or SOE named once with one kind and elsewhere with another."""
    problems, seen = [], {}
    for case in cases:
        key = _owner_key(case)
        if key[0] != "name":
            continue
        earlier = seen.setdefault(key, case)
        if earlier.owner_kind != case.owner_kind:
            problems.append(Problem(case.path, f"{case.owner!r} has owner_kind {case.owner_kind} here but "
                                    f"{earlier.owner_kind} in {earlier.path}", field="owner_kind"))  # fmt: skip
    query = sa.select(Owner.slug, Owner.kind).where(Owner.kind.not_in(GOVERNMENT_KINDS))
    existing = dict(db.session.execute(query).all())
    for key, case in seen.items():
        if existing.get(key[1], case.owner_kind) != case.owner_kind:
            problems.append(Problem(case.path, f"{case.owner!r} is already in the catalogue with owner_kind "
                                    f"{existing[key[1]]}", field="owner_kind"))  # fmt: skip
    return problems


def _write(cases, report, dry_run, force):
    by_slug = {i.slug: i for i in db.session.scalars(sa.select(Innovation))}
    sectors = {s.slug: s for s in db.session.scalars(sa.select(Sector))}
    themes = {t.slug: t for t in db.session.scalars(sa.select(Theme))}
    owners = _OwnerRegistry()
    written = []
    for case in cases:
        innovation = by_slug.get(case.slug)
        if innovation is not None and innovation.source_hash == case.fingerprint:
            report.unchanged.append(case.slug)
            continue
        if innovation is not None and _says_the_same(innovation, case):
            # Another file with the same content (an export of the catalogue, say): no news.
            report.unchanged.append(case.slug)
            continue
        if innovation is not None and innovation.edited_at is not None and not force:
            # Changed on the site since its last import: this file is older than the site's version.
            report.skipped.append(case.slug)
            continue
        (report.created if innovation is None else report.updated).append(case.slug)
        if dry_run:
            continue
        owner = owners.get(case)
        institution = owners.institution(owner, case.institution)
        with db.session.no_autoflush:
            created = innovation is None
            if created:
                innovation = Innovation(slug=case.slug, status=PUBLISHED)
            innovation.owner, innovation.institution = owner, institution
            fill(innovation, case, sectors, themes)
            fill_images(innovation, case.images, case.prepared_images)
            fill_documents(innovation, case.documents, case.loaded_documents)
            innovation.source_path = str(Path(case.path).resolve())
            innovation.source_hash = case.fingerprint
            innovation.edited_at = None
            db.session.add(innovation)
        written.append((innovation, created))
    db.session.flush()
    for innovation, created in written:
        innovation_imported.send(innovation, created=created)


def _says_the_same(innovation, case):
    """The innovation already holds what ``case`` says, rendered by today's renderer."""
    return (
        same_content(case_of(innovation), case)
        and innovation.body_html == render_markdown(case.body)
        and same_images(innovation, case.images, case.prepared_images)
        and same_documents(innovation, case.documents, case.loaded_documents)
    )


def _image_name(item):
    return item["file"].rsplit("/", 1)[-1]


def _same_picture(row, prepared):
    # The bytes given before, or the stored page size an export wrote: the same picture.
    return prepared.source_digest in (row.source_sha256, row.page_sha256)


def same_images(innovation, images, prepared_images):
    """The innovation already shows these pictures (same names, texts and bytes), in this order."""
    rows = list(innovation.images)
    if len(rows) != len(images):
        return False
    for row, item, prepared in zip(rows, images, prepared_images, strict=True):
        texts = (row.name, row.alt, row.caption, row.credit)
        if texts != (_image_name(item), item["alt"], item.get("caption"), item.get("credit")):
            return False
        if not _same_picture(row, prepared):
            return False
    return True


def fill_images(innovation, images, prepared_images):
    """Make ``innovation``'s pictures the checked ``images`` with their re-encoded
    ``prepared_images``, in order. A row is kept by its file name; its blobs are stored again
    only when the picture changed. Blobs of rows dropped stay until ``flask files clean``."""
    by_name = {row.name: row for row in innovation.images}
    rows = []
    for number, (item, prepared) in enumerate(zip(images, prepared_images, strict=True), start=1):
        name = _image_name(item)
        row = by_name.get(name) or InnovationImage(name=name)
        if row.id is None or not _same_picture(row, prepared):
            digests, _created = store_variants(prepared)
            row.set_blobs(prepared, digests)
        values = {"number": number, "alt": item["alt"], "caption": item.get("caption"), "credit": item.get("credit")}
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        rows.append(row)
    innovation.images = rows


def _document_values(number, item):
    return {"number": number, "kind": item["kind"], "title": item["title"], "description": item.get("description"),
            "regulation_type": item.get("regulation_type"), "regulation_number": item.get("regulation_number"),
            "regulation_year": item.get("regulation_year")}  # fmt: skip


def same_documents(innovation, documents, loaded):
    """The innovation already has these documents (same names, texts and bytes), in this order."""
    rows = list(innovation.documents)
    if len(rows) != len(documents):
        return False
    for number, (row, item, (_checked, data)) in enumerate(zip(rows, documents, loaded, strict=True), start=1):
        if row.name != _image_name(item) or row.sha256 != digest_of(data):
            return False
        if any(getattr(row, key) != value for key, value in _document_values(number, item).items()):
            return False
    return True


def fill_documents(innovation, documents, loaded):
    """Make ``innovation``'s documents the checked ``documents`` with their ``loaded`` bytes,
    in order. A row is kept by its file name; its blob is stored again only when the bytes
    changed. Blobs of rows dropped stay until ``flask files clean``."""
    by_name = {row.name: row for row in innovation.documents}
    rows = []
    for number, (item, (checked, data)) in enumerate(zip(documents, loaded, strict=True), start=1):
        name = _image_name(item)
        row = by_name.get(name) or InnovationDocument(name=name)
        if row.id is None or row.sha256 != digest_of(data):
            row.sha256, _created = store_document(data)
            row.format, row.size, row.text = checked.format, checked.size, checked.text
        for key, value in _document_values(number, item).items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        rows.append(row)
    innovation.documents = rows


def fill(innovation, case, sectors, themes):
    """Set what ``case`` says on ``innovation`` (not its owner and unit): fields, rendered
    body, sectors, themes and awards. ``sectors``/``themes`` map slugs to rows."""
    innovation.title = case.title
    innovation.region_code = case.region
    innovation.year = case.year
    innovation.started = case.started
    innovation.stage = case.stage
    innovation.digital = case.digital
    innovation.legal_basis = case.legal_basis
    innovation.language = case.language
    innovation.summary = case.summary
    innovation.body_md = case.body
    innovation.body_html = render_markdown(case.body)
    innovation.sample = case.sample
    innovation.sectors = [sectors[s] for s in case.sectors]
    innovation.themes = [themes[t] for t in case.themes]
    wanted = set(case.awards)
    innovation.awards = [a for a in innovation.awards if (a.competition, a.year, a.stage) in wanted]
    have = {(a.competition, a.year, a.stage) for a in innovation.awards}
    for competition, year, stage in sorted(wanted - have):
        innovation.awards.append(Award(competition=competition, year=year, stage=stage))
    fill_contacts(innovation, case.contacts)
    fill_costs(innovation, case.costs)
    fill_indicators(innovation, case.indicators)
    fill_kit(innovation, case.kit)


def fill_costs(innovation, costs):
    """Set the costs and resources of ``innovation`` from the checked ``costs`` (file format)."""
    prerequisites = costs.get("prerequisites", {})
    innovation.setup_cost = costs.get("setup")
    innovation.yearly_cost = costs.get("yearly")
    innovation.budget_source = costs.get("budget_source")
    innovation.staff_needed = costs.get("staff")
    innovation.months_to_launch = costs.get("months_to_launch")
    innovation.needs_infrastructure = prerequisites.get("infrastructure")
    innovation.needs_regulation_text = prerequisites.get("regulation")
    innovation.needs_partners = prerequisites.get("partners")
    innovation.needs_new_regulation = costs.get("needs_new_regulation")


def fill_indicators(innovation, indicators):
    """Make ``innovation``'s indicators the checked ``indicators``, in their order. A row is
    kept by its name (so the figures replications reported against it stay with it); rows
    whose name is gone are dropped, with those figures."""
    by_name = {row.name: row for row in innovation.indicators}
    rows = []
    for number, item in enumerate(indicators, start=1):
        row = by_name.get(item["name"]) or Indicator(name=item["name"])
        values = {
            "number": number,
            "unit": item["unit"],
            "baseline_value": item["baseline"]["value"],
            "baseline_date": item["baseline"].get("date"),
            "result_value": item["result"]["value"],
            "result_date": item["result"].get("date"),
            "source": item.get("source"),
            "higher_is_better": item.get("higher_is_better", True),
        }
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
        rows.append(row)
    innovation.indicators = rows


def fill_contacts(innovation, contacts):
    """Make ``innovation``'s contacts the checked ``contacts`` (dicts of the file format), in
    their order. Rows are changed in place and the surplus dropped from the end, so that no
    number is ever held by two rows within a flush."""
    rows = list(innovation.contacts)
    for number, item in enumerate(contacts, start=1):
        if number > len(rows):
            rows.append(Contact(number=number))
        row = rows[number - 1]
        confirmed = item.get("confirmed_on")
        values = {
            "name": item["name"],
            "position": item.get("position"),
            "unit": item.get("unit"),
            "email": item.get("email"),
            "phone": item.get("phone"),
            "whatsapp": bool(item.get("whatsapp")),
            "confirmed_on": date.fromisoformat(confirmed) if confirmed else None,
        }
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    innovation.contacts = rows[: len(contacts)]


def owner_and_institution(case, owner=None):
    """The owner ``case`` names (or ``owner``) and its unit, found or created as an import would."""
    registry = _OwnerRegistry()
    owner = owner or registry.get(case)
    return owner, registry.institution(owner, case.institution)


class _OwnerRegistry:
    """Finds or creates owners and institutions once per import."""

    def __init__(self):
        self.owners = {}
        self.institutions = {}

    def get(self, case):
        key = _owner_key(case)
        if key not in self.owners:
            self.owners[key] = self._find(case, key) or self._create(case)
        return self.owners[key]

    def _find(self, case, key):
        if key[0] == "region":
            query = sa.select(Owner).where(Owner.region_code == case.region, Owner.kind.in_(GOVERNMENT_KINDS))
        else:
            query = sa.select(Owner).where(Owner.slug == key[1])
        return db.session.scalars(query).first()

    def _create(self, case):
        if case.owner_kind in GOVERNMENT_KINDS:
            # A government's name is its official region name, whatever a file calls it.
            return government_owner(db.session.get(Region, case.region))
        owner = Owner(name=case.owner, kind=case.owner_kind, region_code=case.region)
        owner.slug = free_slug(slugify(owner.name))
        db.session.add(owner)
        db.session.flush()
        return owner

    def institution(self, owner, name):
        key = (owner.id, name)
        if key not in self.institutions:
            found = db.session.scalars(
                sa.select(Institution).where(Institution.owner_id == owner.id, Institution.name == name)
            ).first()
            self.institutions[key] = found or Institution(owner=owner, name=name)
        return self.institutions[key]


def _missing(folder, slugs):
    """Innovations imported earlier from this folder whose file is gone: reported, never deleted."""
    prefix = str(Path(folder).resolve()) + "/"
    query = sa.select(Innovation.slug).where(Innovation.source_path.startswith(prefix, autoescape=True))
    return sorted(s for s in db.session.scalars(query) if s not in slugs)
