"""What a browser would send for a form on a page: every field with its current value.

Admin change forms (with their inlines and management forms) are read from the page itself, so a
test edits a real form instead of rebuilding the admin's field names by hand.
"""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._option: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {name: value if value is not None else "" for name, value in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in SKIPPED_INPUTS or ("disabled" in a):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((a["name"], a.get("value", "on")))
            else:
                self.values.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the one newline that follows <textarea>.
            text = "".join(self._text)
            self.values.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(html: str, form_id: str) -> dict[str, str | list[str]]:
    """The fields of the form with this id, as a browser would post them (a name that appears
    more than once, like a multiple select, becomes a list)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.values, f"no form #{form_id} on the page"
    values: dict[str, list[str]] = {}
    for name, value in reader.values:
        values.setdefault(name, []).append(value)
    return {name: found[0] if len(found) == 1 else found for name, found in values.items()}
