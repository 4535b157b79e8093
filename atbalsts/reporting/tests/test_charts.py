"""The server-side SVG bar charts: proportional bars, escaped labels, no external resources."""

import re
from decimal import Decimal

from atbalsts.reporting.charts import bar_chart, column_chart


def widths(svg: str) -> list[int]:
    return [int(w) for w in re.findall(r'<rect x="\d+" y="\d+" width="(\d+)"', svg)]


def test_bars_are_proportional_to_the_largest_amount() -> None:
    svg = bar_chart(
        [("A", Decimal("100.00")), ("B", Decimal("50.00")), ("C", Decimal("0.00"))],
        title="Izlietotais",
        width=720,
        label_width=300,
    )
    assert widths(svg) == [310, 155, 0]  # 720 − 300 − 110 = 310 px for the largest
    assert "100,00\xa0€" in svg and "50,00\xa0€" in svg


def test_labels_and_title_are_escaped() -> None:
    svg = bar_chart([('<script>alert("x")</script>', Decimal("1.00"))], title="A & <B>")
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in svg
    assert 'aria-label="A &amp; &lt;B&gt;"' in svg
    columns = column_chart([("<b>01.2020</b>", Decimal("1.00"))], title="<i>")
    assert "<b>" not in columns and "&lt;b&gt;01.2020&lt;/b&gt;" in columns


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip() -> None:
    label = "Specializētā sociālās rehabilitācijas un kompetenci veicinošo pasākumu kurss"
    svg = bar_chart([(label, Decimal("395.00"))], title="t")
    assert f"<title>{label}: 395,00\xa0€</title>" in svg
    assert ">Specializētā sociālās rehabilitācijas un…<" in svg


def test_empty_and_negative_data_draw_without_errors() -> None:
    assert bar_chart([], title="Tukšs").startswith("<svg")
    assert column_chart([], title="Tukšs").startswith("<svg")
    svg = column_chart([("01.2020", Decimal("-5.00")), ("02.2020", Decimal("0.00"))], title="t")
    assert 'height="0"' in svg


def test_no_external_resources() -> None:
    svg = bar_chart([("A", Decimal("1"))], title="t") + column_chart(
        [("A", Decimal("1"))], title="t"
    )
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in svg


def test_each_column_shows_its_value() -> None:
    # Few columns: the values stand upright above them, in whole euros with Latvian spacing.
    svg = column_chart(
        [("01.2025", Decimal("1234.50")), ("02.2025", Decimal("99.49"))], title="t", width=720
    )
    values = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', svg)
    assert values == ["1\xa0235", "99"]
    assert "rotate(-90" not in svg
    # Three years of months: the values read upwards, every one of them still drawn.
    many = [(f"{m:02}.2025", Decimal(m * 100_000)) for m in range(1, 37)]
    svg = column_chart(many, title="t")
    values = re.findall(r'<text class="value"[^>]*>([^<]*)</text>', svg)
    assert len(values) == 36 and values[-1] == "3\xa0600\xa0000"
    assert svg.count("rotate(-90") == 36
    # The tallest column's value stays inside the picture.
    tops = [float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)]
    assert min(tops) > len("3 600 000") * 6
