"""What the networks feature shows on other features' pages (see app.panels)."""

from flask import render_template

from app import panels
from app.networks.queries import networks_of_owner


@panels.provide("owner", order=5)
def owner_networks(owner):
    """The networks an owner belongs to, with its role and since when."""
    return render_template("networks/_owner.html", memberships=networks_of_owner(owner))
