"""The shared text fields: the contact details and the personal details forms build their
text boxes from them, so a typed answer is trimmed and a long one worded the same way."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import Form

from webapp.forms.contact import ContactDetailsFields
from webapp.forms.fields import at_most, radios, text_area, text_input, trimmed
from webapp.forms.personal_details import PersonalDetailsFields


class NoteForm(Form):
    name = text_input("Name", at_most("Name", 5))
    note = text_area("Note", at_most("Note", 5))


def test_an_answer_is_trimmed_before_its_length_is_checked():
    form = NoteForm(MultiDict({"name": "  Ann  ", "note": "\n Hi \n"}))
    assert form.validate(), form.errors
    assert (form.name.data, form.note.data) == ("Ann", "Hi")


def test_a_long_answer_gets_the_design_systems_words():
    form = NoteForm(MultiDict({"name": "Annabel", "note": "Hello there"}))
    assert not form.validate()
    assert form.errors == {
        "name": ["Name must be 5 characters or fewer"],
        "note": ["Note must be 5 characters or fewer"],
    }


def test_both_detail_forms_build_their_text_boxes_from_the_shared_fields():
    for field in (
        ContactDetailsFields.phone,
        ContactDetailsFields.email,
        ContactDetailsFields.address,
        ContactDetailsFields.language,
        PersonalDetailsFields.gp_practice,
        PersonalDetailsFields.nhs_number,
    ):
        assert field.kwargs["filters"] == [trimmed]


class ChoiceForm(Form):
    colour = radios("Colour", {"red": "Red", "blue": "Blue"}, "Select a colour")


def test_radios_offer_their_choices_and_must_be_answered():
    assert ChoiceForm(MultiDict({"colour": "blue"})).validate()
    form = ChoiceForm(MultiDict())
    assert not form.validate()
    assert form.errors == {"colour": ["Select a colour"]}
    assert [(c[0], c[1]) for c in form.colour.iter_choices()][:2] == [
        ("red", "Red"),
        ("blue", "Blue"),
    ]
