"""The yardstick: a bare Flask app returning a small HTML page, served like Suar."""

from flask import Flask

app = Flask(__name__)
PAGE = (
    "<!doctype html><html lang='id'><head><title>Suar</title></head>"
    "<body><h1>Halo</h1><p>Halaman kecil.</p></body></html>"
)


@app.get("/")
def page():
    return PAGE


@app.get("/size/<int:size>")
def page_of_size(size):
    """A page of ``size`` bytes (at most 1 MB), to tell what a page's size costs from what its
    code does (``bench/load.py --same-size``)."""
    filler = max(0, min(size, 1_000_000) - len(PAGE))
    return PAGE.replace("</p>", "</p>" + "x" * filler)
