"""Domain exceptions that views turn into form errors or 4xx answers."""


class DomainError(Exception):
    """A rule refused the operation; the message is fit to show the person."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class AccessError(Exception):
    """Not a rule to explain on a form: the answer is a 404 or 403 page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(AccessError):
    """The thing does not exist, or the person may not know it does (answers 404)."""

    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class Forbidden(AccessError):
    """The person may see the thing but not do this to it (answers 403)."""

    def __init__(self, message: str = "You do not have permission to do that."):
        super().__init__(message)


class Suspended(Forbidden):
    """The partnership is suspended by the site's administrators (answers 403 with a page
    that says so)."""

    def __init__(self, message: str = "This partnership is suspended."):
        super().__init__(message)
