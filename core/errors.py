"""Domain errors. Each carries a ``code`` that the edges translate: a dialogue into a catalog text
(``error.<code>``), the admin endpoint into an HTTP status. Parameters fill the text's placeholders."""

from __future__ import annotations


class DongneError(Exception):
    code = "unexpected"

    def __init__(self, detail: str = "", **params: object) -> None:
        super().__init__(detail or self.code)
        self.params = params


class PermissionDenied(DongneError):
    code = "permission_denied"


class OutsideScope(PermissionDenied):
    """A dong or complex beyond the dongs the actor's grant covers; ``code`` says which, so the reply can
    name it instead of refusing the whole task."""

    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        super().__init__(detail or code, **params)
        self.code = code


class NotFound(DongneError):
    code = "not_found"


class InvalidInput(DongneError):
    """Input that breaks a rule; ``code`` names the rule so the reply can say which."""

    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        super().__init__(detail or code, **params)
        self.code = code


class StaleRecord(DongneError):
    code = "stale_record"


class LinkCodeRejected(DongneError):
    """Wrong, expired or already used; one reply for all so the reply does not help a guesser."""

    code = "link_code_rejected"


class TooManyAttempts(DongneError):
    code = "too_many_attempts"


class AlreadyBound(DongneError):
    code = "already_bound"


class StaffInactive(DongneError):
    code = "staff_inactive"


class DuplicateStaff(DongneError):
    code = "duplicate_staff"


class CaseLocked(DongneError):
    """The case's state does not allow this action; ``code`` says which rule, for the reply."""

    def __init__(self, code: str, detail: str = "", **params: object) -> None:
        super().__init__(detail or code, **params)
        self.code = code


class AlreadyDecided(DongneError):
    """Approve or return on a case someone already decided: the reply names who and when."""

    def __init__(self, approved: bool, **params: object) -> None:
        super().__init__("", **params)
        self.code = "case_already_approved" if approved else "case_already_returned"


class NotYourCase(PermissionDenied):
    """An executing department reaching for another department's case."""

    code = "case_other_department"
