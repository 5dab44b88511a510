"""No form asks for Ctrl-click: every field where several choices may be taken is a list of
checkboxes, not a ``<select multiple>`` (unusable on a phone, unknown to most people).
Found by walking every form class of the app, so a new form is covered without a new case."""

import importlib
import pkgutil

from wtforms import SelectMultipleField, widgets
from wtforms.fields.core import UnboundField

import app
from app.forms import Form
from tests.accounts_fixtures import networks, people, sign_in, submit  # noqa: F401 (fixtures)


def _all_forms():
    for module in pkgutil.walk_packages(app.__path__, "app."):
        importlib.import_module(module.name)
    seen, todo = set(), [Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return seen


def test_every_multiple_choice_field_of_every_form_is_checkboxes():
    forms = _all_forms()
    found = []
    for form in forms:
        for name in dir(form):
            value = getattr(form, name, None)
            if isinstance(value, UnboundField) and issubclass(value.field_class, SelectMultipleField):
                found.append((form.__name__, name))
                widget = value.kwargs.get("widget")
                assert isinstance(widget, widgets.ListWidget), (form.__name__, name, widget)
                assert isinstance(value.kwargs.get("option_widget"), widgets.CheckboxInput), (form.__name__, name)
    assert len(forms) > 20 and ("ActivityForm", "participants") in found  # the walk saw the forms


def test_the_activity_form_offers_members_and_innovations_as_checkboxes(client, db, networks, people):  # noqa: F811
    from tests import factories  # noqa: PLC0415

    sign_in(client, people["coordinator"])
    assert submit(client, "/jaringan/jipp-jawa-timur/anggota", {"region": "35.73", "role": "member"}).status_code == 302
    factories.innovation("Inovasi Malang", kind="city", region="35.73")
    db.session.commit()
    html = client.get("/jaringan/jipp-jawa-timur/kegiatan/baru").get_data(as_text=True)
    assert "<select multiple" not in html and "Ctrl" not in html
    assert html.count('type="checkbox"') >= 2
    assert '<input id="participants-0" name="participants" type="checkbox"' in html
    assert '<input id="innovations-0" name="innovations" type="checkbox"' in html
    assert "<legend>Peserta (anggota jaringan)</legend>" in html
