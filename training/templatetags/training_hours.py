"""`{{ value|hours }}`: hours as people write them (90, 7.5), never 90.0 or 9E+1."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def hours(value) -> str:
    if value is None or value == "":
        return ""
    return format(Decimal(value).normalize(), "f")
