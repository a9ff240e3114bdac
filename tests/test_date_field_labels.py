"""A date typed in three boxes: each box is named by its own Day, Month or Year label, and the error
summary's link moves the cursor to the Day box (issue 13)."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import Form

from app.fields import DateInputField, DateRequired


class MeetingForm(Form):
    meeting_on = DateInputField("MDT meeting date", validators=[DateRequired()],
                                required_message="Enter the date of the MDT meeting")


PAGE = ('{% from "macros/forms.html" import error_summary, date_field %}'
        "{{ error_summary(form) }}{{ date_field(form.meeting_on) }}")


@pytest.fixture
def sent_empty(app):
    with app.test_request_context():
        form = MeetingForm(MultiDict({"meeting_on-day": "", "meeting_on-month": "", "meeting_on-year": ""}))
        assert not form.validate()
        yield re.sub(r"\s+", " ", render_template_string(PAGE, form=form))


def test_each_date_box_is_named_by_its_own_label(sent_empty):
    labels = dict(re.findall(r'<label class="[^"]*nhsuk-date-input__label" for="([^"]+)" >\s*(\w+)', sent_empty))
    assert labels == {"meeting_on-day": "Day", "meeting_on-month": "Month", "meeting_on-year": "Year"}
    for box_id, part in (("meeting_on-day", "day"), ("meeting_on-month", "month"), ("meeting_on-year", "year")):
        box = re.search(rf'<input[^>]*id="{box_id}"[^>]*>', sent_empty).group(0)
        assert f'name="meeting_on-{part}"' in box  # what the field reads back is unchanged


def test_no_two_elements_of_a_date_field_share_an_id(sent_empty):
    repeated = [name for name, count in Counter(re.findall(r'\sid="([^"]+)"', sent_empty)).items() if count > 1]
    assert repeated == []


def test_the_error_summary_link_goes_to_the_day_box(sent_empty):
    links = re.findall(r'<a href="(#[^"]+)" >\s*Enter the date of the MDT meeting', sent_empty)
    assert links == ["#meeting_on-day"]
    assert re.search(r'<input[^>]*id="meeting_on-day"', sent_empty)
