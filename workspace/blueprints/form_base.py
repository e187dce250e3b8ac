"""The one base of every form: each text field obeys workspace/infra/text's rules, added here
so that no form can forget them.

- one-line fields (StringField and its kinds: email, URL, search, hidden, password) refuse
  control characters; text areas refuse all but line breaks and tabs;
- a URL field (URLField, or any field with wtforms' URL validator) takes http and https only;
- a text field without a Length(max=...) gets the default cap of its kind.

Each refusal names the field, keeps what was typed, and changes nothing (a 422 form).
"""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField, URLField, ValidationError
from wtforms.validators import URL, Length

from workspace.infra import text


def _checked(problem):
    def check(form, field):
        if isinstance(field.data, str) and field.data:
            message = problem(field.data)
            if message:
                raise ValidationError(message)
    return check


_one_line = _checked(text.one_line_problem)
_multi_line = _checked(text.multi_line_problem)
_web_address = _checked(text.url_problem)


def _has_cap(validators) -> bool:
    return any(isinstance(v, Length) and v.max not in (None, -1) for v in validators)


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = unbound_field.bind(form=form, **options)
            if not isinstance(field, StringField):
                return field
            extra = []
            multi_line = isinstance(field, TextAreaField)
            extra.append(_multi_line if multi_line else _one_line)
            if isinstance(field, URLField) or any(isinstance(v, URL) for v in field.validators):
                extra.append(_web_address)
            if not _has_cap(field.validators):
                cap = text.MULTI_LINE_MAX if multi_line else text.ONE_LINE_MAX
                extra.append(Length(max=cap, message=f"Use at most {cap:,} characters."))
            field.validators = [*field.validators, *extra]
            return field
