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
