"""``/statistik``: the competition's composition, the province map, sectors, themes, trend."""

from flask import Blueprint, render_template, request
from flask_babel import format_number, get_locale
from flask_babel import gettext as _

from app.catalog.labels import AWARD_STAGE_LABELS, OWNER_KIND_LABELS
from app.catalog.models import AWARD_STAGES
from app.regions.maps import province_map
from app.stats import charts, panels, queries  # noqa: F401 - panels registers itself

bp = Blueprint("stats", __name__)


class BadChoice(ValueError):
    """A year or award stage the statistics cannot be shown for."""


def _choice(years):
    """The year and award stage asked for, defaulting to the Top 99 of the newest year that
    has one (a year with only proposals would open the page on zeros)."""
    year, stage = request.args.get("year", ""), request.args.get("award", "top99")
    if stage not in AWARD_STAGES:
        raise BadChoice(_("Tahap penghargaan %(stage)s tidak dikenal.", stage=stage[:40]))
    if not year:
        return (queries.newest_year_reaching(stage) or (years[0] if years else None)), stage
    if not (year.isascii() and year.isdigit() and int(year) in years):
        raise BadChoice(_("Tidak ada data penghargaan untuk tahun %(year)s.", year=year[:10]))
    return int(year), stage


@bp.get("/statistik")
def dashboard():
    years = queries.award_years()
    try:
        year, stage = _choice(years)
    except BadChoice as error:
        return render_template("stats/dashboard.html", error=str(error), years=years), 400
    locale = str(get_locale())
    composition = queries.composition(year, stage) if year else {}
    provinces = queries.by_province(year, stage)
    names = queries.province_names()
    totals = {code: row["own"] + row["local"] for code, row in provinces.items()}
    sectors = [(en if locale == "en" else id_, count) for _slug, id_, en, count in queries.by_sector()]
    themes = [(en if locale == "en" else id_, count) for _slug, id_, en, count in queries.by_theme()]
    trend = queries.by_year()
    map_title = _("Penerima KIPP %(year)s %(stage)s menurut provinsi", year=year, stage=AWARD_STAGE_LABELS[stage])
    map_svg, legend = province_map(totals, map_title if year else _("Jumlah inovasi menurut provinsi"))
    return render_template(
        "stats/dashboard.html",
        error=None,
        years=years,
        year=year,
        stage=stage,
        stage_labels=AWARD_STAGE_LABELS,
        composition=composition,
        composition_chart=charts.bar_chart(
            _("Inovasi menurut jenis pemilik"),
            [(OWNER_KIND_LABELS[kind], row["innovations"]) for kind, row in composition.items()],
            "composition",
            format_number,
        ),
        provinces=sorted(provinces.items(), key=lambda item: (-totals[item[0]], names.get(item[0], ""))),
        province_names=names,
        map_svg=map_svg,
        map_title=map_title if year else None,
        legend=legend,
        sectors=sectors,
        sector_chart=charts.bar_chart(_("Inovasi menurut sektor"), sectors, "sectors", format_number),
        themes=themes,
        theme_chart=charts.bar_chart(_("Inovasi menurut tema"), themes, "themes", format_number),
        trend=trend,
        trend_chart=charts.bar_chart(_("Inovasi menurut tahun"), trend, "trend", format_number),
        most_replicated=queries.most_replicated(),
    )
