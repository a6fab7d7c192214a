from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.duty.labels import KIND

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends: Vietnam time, no offset


class ShiftForm(FlaskForm):
    office = HiddenField(validators=[DataRequired(), Length(max=32)])
    week = HiddenField(validators=[Optional(), Length(max=10)])
    user = SelectField(_l("Person on duty"), validators=[DataRequired()], choices=[], validate_choice=False)
    kind = SelectField(_l("Duty"), choices=[SelectChoice(k.value, label) for k, label in KIND.items()])
    starts_at = DateTimeLocalField(_l("From"), format=LOCAL_INPUT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Until (not included)"), format=LOCAL_INPUT, validators=[DataRequired()])
    note = StringField(_l("Phone or note"), validators=[Optional(), Length(max=200)])
