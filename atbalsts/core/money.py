"""Money: Decimal only, stored with two decimals, rounded once (half up) to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2
CENT = Decimal("0.01")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up. Refuses floats: they cannot hold cents exactly."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float.")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str) -> Decimal:
    """Read an amount as people type it: '12,50', '12.50', '1 234,56'. Raises ValueError."""
    cleaned = text.strip().replace("\xa0", "").replace(" ", "").replace("€", "")
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise ValueError(text)
    cleaned = cleaned.replace(",", ".")
    if not cleaned or not all(ch.isdigit() or ch in ".-" for ch in cleaned):
        raise ValueError(text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite() or value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError(text)
    return value


def format_money(
    value: Decimal | None, *, decimal_separator: str = ",", group: str = "\xa0"
) -> str:
    """1234.5 → '1 234,50 €' (Latvian style by default)."""
    if value is None:
        return ""
    amount = round_money(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{group.join(groups)}{decimal_separator}{cents}\xa0€"
