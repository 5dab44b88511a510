"""Import network files into the database: validate every file, then write all or nothing.

Only a network's own fields come from its file; members, coordinators and activities are
kept in the database by the people who run the network, and an import never touches them.
"""

from pathlib import Path

import sqlalchemy as sa

from app.content import files
from app.content.importer import ImportReport
from app.content.problems import ImportFailed, Problem
from app.extensions import db
from app.networks.models import Network
from app.networks.schema import validate
from app.regions.models import Region
from app.rendering import render_markdown


def discover(root):
    """The network files under ``root``: one file, a folder of ``*.md``, or a content folder
    whose networks are in ``networks/`` (the project's ``content/``)."""
    root = Path(root)
    if root.is_file():
        return root.parent, [root]
    folder = root / "networks" if (root / "networks").is_dir() else root
    return folder, sorted(p for p in folder.glob("*.md") if p.is_file() or p.is_symlink())


def import_networks(path, dry_run=False):
    """Validate every network file under ``path``; if all are valid, write them (flush, no commit).

    Raises ImportFailed with every problem found, before anything is written.
    """
    folder, paths = discover(path)
    if not paths:
        raise ImportFailed([Problem(str(path), "holds no network files (*.md)")])
    provinces = set(db.session.scalars(sa.select(Region.code).where(Region.kind == "province")))
    problems, networks, first_file_of = [], [], {}
    for file_path in paths:
        source, file_problems = files.read(file_path)
        if source:
            network, file_problems = validate(source, file_path.stem, provinces)
            if network and network.slug in first_file_of:
                file_problems = [Problem(network.path, f"duplicate slug {network.slug!r}, also used by "
                                         f"{first_file_of[network.slug]}", field="slug")]  # fmt: skip
            elif network:
                first_file_of[network.slug] = network.path
                networks.append(network)
        problems.extend(file_problems)
    if problems:
        raise ImportFailed(problems)

    report = ImportReport(folder=str(folder))
    _write(networks, report, dry_run)
    report.missing = _missing(folder, {n.slug for n in networks})
    return report


def _write(networks, report, dry_run):
    by_slug = {n.slug: n for n in db.session.scalars(sa.select(Network))}
    for item in networks:
        network = by_slug.get(item.slug)
        if network is not None and network.source_hash == item.fingerprint:
            report.unchanged.append(item.slug)
            continue
        (report.created if network is None else report.updated).append(item.slug)
        if dry_run:
            continue
        if network is None:
            network = Network(slug=item.slug)
            db.session.add(network)
        network.name = item.name
        network.province_code = item.province
        network.launched = item.launched
        network.legal_basis = item.legal_basis
        network.description_md = item.description
        network.description_html = render_markdown(item.description)
        network.contact_name = item.contact.get("name")
        network.contact_email = item.contact.get("email")
        network.contact_phone = item.contact.get("phone")
        network.source_path = str(Path(item.path).resolve())
        network.source_hash = item.fingerprint
    db.session.flush()


def _missing(folder, slugs):
    """Networks imported earlier from this folder whose file is gone: reported, never deleted."""
    prefix = str(Path(folder).resolve()) + "/"
    query = sa.select(Network.slug).where(Network.source_path.startswith(prefix, autoescape=True))
    return sorted(s for s in db.session.scalars(query) if s not in slugs)
