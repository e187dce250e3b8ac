"""The picker's form side, shared by every form where a person names a qualification, unit or
role: they search by title and pick, and never type an ID.

An item picker posts the ids of the items picked under its own name (a chip's hidden input,
or, without JavaScript, a ticked match), what is in its search box as `<name>-q`, a press of
its Search button as `pick-search=<name>` and a chip's remove button as `<name>-remove=<id>`.
A search or a removal re-renders the form without checking or saving anything; text left in
the search box when the form is sent is an error at the field, shown with its matches.
The markup and the htmx attributes live in templates/_macros/picker.html.
"""

from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from workspace.blueprints.form_base import Form
from workspace.clock import london_today
from workspace.exceptions import DomainError
from workspace.services.catalogue import picking
from workspace.services.catalogue.picking import Kind

SEARCH_BUTTON = "pick-search"


def _ids(values: list[str]) -> tuple[list[int], list[str]]:
    """The ids in what was posted, in order and once each, and the values that are none."""
    ids, bad = [], []
    for value in (v.strip() for v in values):
        if value.isdigit():
            ids.append(int(value))
        elif value:
            bad.append(value)
    return list(dict.fromkeys(ids)), bad


class ItemPicker(Field):
    """Catalogue items of one kind, picked by searching their titles; `items` holds them."""

    def __init__(self, label=None, validators=None, *, kind: Kind = Kind.ANY,
                 multiple: bool = False, required: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.kind, self.multiple, self.required = kind, multiple, required
        self.flags.required = required
        self.query, self.searched, self.removed, self.bad_values = "", False, False, []
        self._items: list | None = None
        self._matches: list | None = None

    def process_data(self, value):
        self.data = [getattr(v, "id", v) for v in (value or [])] \
            if isinstance(value, list | tuple | set) else ([value] if value else [])

    def process_formdata(self, valuelist):
        self.data, self.bad_values = _ids(valuelist)

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, [] if data is None else data, extra_filters)
        self._items = self._matches = None
        if formdata is None:
            return
        self.query = (formdata.get(f"{self.name}-q") or "").strip()[:200]
        self.searched = formdata.get(SEARCH_BUTTON) == self.name and bool(self.query)
        removed, _ = _ids(formdata.getlist(f"{self.name}-remove"))
        self.removed = bool(removed)
        self.data = [i for i in self.data if i not in removed]

    @property
    def busy(self) -> bool:
        """A search or a removal: the form comes back to go on picking, nothing is saved."""
        return self.searched or self.removed

    @property
    def items(self) -> list:
        """The items picked that exist, in the order picked (for the chips and the views)."""
        if self._items is None:
            self._items = picking.items_by_id(self.data)
        return self._items

    @property
    def item(self):
        """The one item of a single pick, or None."""
        return self.items[0] if self.items else None

    @property
    def chips(self) -> list[picking.Option]:
        return picking.options(self.items, london_today())

    @property
    def matches(self) -> list[picking.Option]:
        """What the search box holds matches (for the page without JavaScript)."""
        if self._matches is None:
            found = picking.suggest(self.query, self.kind, london_today(),
                                    exclude=self.data if self.multiple else ())
            self._matches = picking.options(found, london_today())
        return self._matches

    def pre_validate(self, form):
        if self.bad_values:
            raise ValidationError(f"Search for the {self.kind.noun} by its title and pick it "
                                  "from the list.")
        try:
            picking.check_picked(self.data, self.kind, single=not self.multiple)
        except DomainError as error:
            raise ValidationError(error.message) from None
        if self.query:
            raise ValidationError(self._unpicked_message())
        if self.required and not self.data:
            raise ValidationError(f"Search for the {self.kind.noun} by its title and pick it "
                                  "from the list.")

    def _unpicked_message(self) -> str:
        if not self.matches:
            return (f"No {self.kind.noun} in the catalogue matches \u201c{self.query}\u201d: "
                    "try other words from its title.")
        return (f"You typed \u201c{self.query}\u201d but picked nothing: pick from the "
                "matches below.")


class PickerForm(Form):
    """A form with item pickers: a search or a removal in one is not a submission."""

    def validate(self, extra_validators=None):
        if any(isinstance(f, ItemPicker) and f.busy for f in self):
            return False
        return super().validate(extra_validators)


def role_choices(empty_label: str) -> list[SelectChoice]:
    """Every role under its role set (an <optgroup> each), the partnership's own set first."""
    return [SelectChoice("", empty_label)] + [
        SelectChoice(str(role.id), role.name, optgroup=set_name)
        for set_name, roles in picking.roles_by_set() for role in roles]
