"""Maps that the statistics feature draws on other features' pages (see app.panels)."""

from collections import Counter

from flask import render_template
from flask_babel import gettext as _

from app import panels
from app.networks.queries import memberships
from app.regions.maps import province_map


@panels.provide("network", order=5)
def member_map(network):
    """The network's member governments, counted per province, on the province map."""
    members = memberships(network)
    if not members:
        return None
    counts = Counter((m.owner.region_code or "").split(".")[0] for m in members if m.owner.region_code)
    map_svg, legend = province_map(dict(counts), _("Anggota %(network)s menurut provinsi", network=network.name),
                                   highlight=set(counts))  # fmt: skip
    return render_template("stats/_network_members.html", map_svg=map_svg, legend=legend)
