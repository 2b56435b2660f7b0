"""The Ecuadorian cédula: ten digits, a province code (01-24, or 30 for those registered
abroad), a third digit below 6 (natural persons) and a modulo-10 check digit (Registro Civil)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCES = {*range(1, 25), 30}


def cedula_check_digit(first_nine: str) -> int:
    """Coefficients 2,1,2,1…; a product above 9 counts as itself minus 9; the check digit
    brings the sum to the next multiple of ten."""
    total = 0
    for position, digit in enumerate(first_nine):
        product = int(digit) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def cedula_error(value: str) -> str | None:
    """The Spanish (through gettext) reason why `value` is not a valid cédula, else None."""
    if len(value) != 10 or not value.isdigit():
        return _("A cédula has exactly 10 digits.")
    if int(value[:2]) not in PROVINCES:
        return _("The first two digits of a cédula are a province code (01 to 24, or 30).")
    if int(value[2]) >= 6:
        return _("The third digit of a cédula is between 0 and 5.")
    if cedula_check_digit(value[:9]) != int(value[9]):
        return _("The cédula's check digit does not match: check for a typo.")
    return None


def validate_cedula(value: str) -> None:
    error = cedula_error(value)
    if error:
        raise ValidationError(error, code="cedula")
