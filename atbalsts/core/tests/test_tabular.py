"""The one CSV/XLSX reader and writer: encodings, separators, limits, row numbers, typed cells,
and cells a spreadsheet would run as formulas."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from atbalsts.core.tabular import (
    Limits,
    SheetOut,
    Unreadable,
    lower_header,
    plain_header,
    read_csv,
    read_tables,
    read_xlsx,
    safe_text,
    stream_csv,
    write_csv,
    write_xlsx,
)

LIMITS = Limits(100, "Vairāk nekā %(n)s rindu.")
WRONG_ENCODING = (
    "Fails nav UTF-8 kodējumā (iespējams, Windows-1257 vai UTF-16). Excel: „Saglabāt kā” → "
    "„CSV UTF-8 (atdalīts ar komatiem)”."
)


def _xlsx(sheets):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- writing: formula injection ----------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+371 26000001", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_like_a_formula_gets_an_apostrophe(text):
    assert safe_text(text) == "'" + text
    csv_text = write_csv(["a"], [[text]]).decode("utf-8-sig")
    assert csv_text.splitlines()[1].strip('"').startswith("'")
    workbook = load_workbook(io.BytesIO(write_xlsx([SheetOut("s", ["a"], [[text]])])))
    cell = workbook["s"]["A2"]
    assert cell.value.startswith("'")  # (XML keeps a carriage return as a line feed)
    assert cell.data_type == "s"  # text, never a formula


def test_numbers_dates_and_plain_text_are_written_as_they_are():
    rows = [["Ēka", -5, Decimal("-12.50"), dt.date(2026, 1, 2), None, "-12.50", "a=b"]]
    assert write_csv(list("abcdefg"), rows).decode("utf-8") == (
        "\ufeffa,b,c,d,e,f,g\r\nĒka,-5,-12.50,2026-01-02,,-12.50,a=b\r\n"
    )
    sheet = load_workbook(io.BytesIO(write_xlsx([SheetOut("s", list("abcdefg"), rows)])))["s"]
    values = [c.value for c in sheet[2]]
    assert values[:3] == ["Ēka", -5, -12.5]
    assert values[3].date() == dt.date(2026, 1, 2)
    assert values[5:] == ["-12.50", "a=b"]
    assert sheet["A1"].font.bold


def test_streamed_csv_is_neutralised_too():
    assert b"".join(stream_csv([("a", "b"), ("=x", "1")])) == "\ufeffa,b\r\n'=x,1\r\n".encode()


def test_a_neutralised_export_reads_back_as_it_was():
    content = write_csv(["phone", "note"], [["+371 26000001", "=HYPERLINK()"]])
    table = read_csv("t.csv", content, limits=LIMITS)
    assert table.rows[0].values == {"phone": "+371 26000001", "note": "=HYPERLINK()"}


def test_decimal_format_column_formats_and_widths():
    rows = [["x", Decimal("1.50"), 2], []]
    content = write_xlsx(
        [SheetOut("s", ["a", "b", "c"], rows, widths={"A": 60}, formats={"C": "0.0"})],
        decimal_format="#,##0.00",
    )
    sheet = load_workbook(io.BytesIO(content))["s"]
    assert sheet["B2"].number_format == "#,##0.00"
    assert sheet["C2"].number_format == "0.0"
    assert sheet["C1"].number_format == "General"
    assert sheet.column_dimensions["A"].width == 60


# --- reading ---------------------------------------------------------------------------------


def test_bom_and_semicolons_and_row_numbers_past_blank_lines():
    content = "\ufeffKods;Nosaukums\r\na;Ā\r\n;\r\n\r\nb;B\r\n".encode()
    table = read_csv("x.csv", content, limits=LIMITS)
    assert table.header == ["Kods", "Nosaukums"]
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"Kods": "a", "Nosaukums": "Ā"}),
        (5, {"Kods": "b", "Nosaukums": "B"}),
    ]


def test_commas_win_when_the_first_line_has_more_of_them():
    table = read_csv("x.csv", b"a,b;c\n1,2;3\n", limits=LIMITS)
    assert table.rows[0].values == {"a": "1", "b;c": "2;3"}


@pytest.mark.parametrize(
    "content",
    ["a\n1\n".encode("utf-16"), "vārds\nĀ\n".encode("cp1257"), b"\xfe\xffa"],
)
def test_other_encodings_are_named(content):
    with pytest.raises(Unreadable) as caught:
        read_csv("x.csv", content, limits=LIMITS)
    assert caught.value.message == WRONG_ENCODING


def test_nul_is_refused():
    with pytest.raises(Unreadable) as caught:
        read_csv("x.csv", b"a\n1\x002\n", limits=LIMITS)
    assert "NUL" in caught.value.message


def test_short_rows_are_padded_and_blank_columns_dropped():
    table = read_csv("x.csv", b"a,,c\n1\n", limits=LIMITS)
    assert table.rows[0].values == {"a": "1", "c": None}


def test_too_many_rows_is_an_error_or_the_end_of_reading():
    content = b"a\n" + b"".join(b"%d\n" % i for i in range(5))
    with pytest.raises(Unreadable) as caught:
        read_csv("x.csv", content, limits=Limits(3, "Vairāk nekā %(n)s rindu."))
    assert caught.value.message == "Vairāk nekā 3 rindu."
    table = read_csv("x.csv", content, limits=Limits(3))
    assert [r.values["a"] for r in table.rows] == ["0", "1", "2"]


def test_header_normalisers():
    assert lower_header("  Sākums ") == "sākums"
    assert plain_header(" Sākuma Laiks ") == "sakuma_laiks"
    assert plain_header(None) == ""


def test_size_and_format_are_checked_first():
    with pytest.raises(Unreadable) as caught:
        read_tables("x.csv", b"a\n1\n", limits=LIMITS, max_bytes=2, too_large="Par lielu.")
    assert caught.value.message == "Par lielu."
    with pytest.raises(Unreadable) as caught:
        read_tables("x.pdf", b"a", limits=LIMITS, max_bytes=10, too_large="")
    assert caught.value.message == "Atbalstītie formāti: .xlsx un .csv."


def test_xlsx_sheets_keep_cell_types_and_skip_sheets_without_header():
    content = _xlsx(
        {
            "Pirmā": [["Datums", "Summa"], [dt.datetime(2026, 1, 2), 12.5], [None, None], ["x"]],
            "Tukša": [],
        }
    )
    tables = read_xlsx(content, limits=LIMITS)
    assert [t.name for t in tables] == ["Pirmā"]
    assert [(r.number, r.values) for r in tables[0].rows] == [
        (2, {"Datums": dt.datetime(2026, 1, 2), "Summa": 12.5}),
        (4, {"Datums": "x", "Summa": None}),
    ]
    # sheets asked for by name come even without a header, so their columns can be named
    named = read_xlsx(content, limits=LIMITS, sheets=["Tukša"])
    assert [(t.name, t.header) for t in named] == [("Tukša", [])]


def test_not_an_xlsx():
    with pytest.raises(Unreadable) as caught:
        read_tables("x.xlsx", b"not a zip", limits=LIMITS, max_bytes=100, too_large="")
    assert caught.value.message == "Fails nav derīgs XLSX fails."


# --- reading: blank rows count towards the limit ---------------------------------------------


def _blank_rows_xlsx(blank: int) -> bytes:
    """A sheet whose header is followed by `blank` rows of blank cells and then one row."""
    return _xlsx({"s": [["a", "b"], *([" ", None] for _ in range(blank)), ["1", "2"]]})


def test_blank_rows_count_towards_the_row_limit_of_an_xlsx():
    content = _blank_rows_xlsx(2_000)
    with pytest.raises(Unreadable) as caught:
        read_xlsx(content, limits=Limits(50, "Vairāk nekā %(n)s rindu."))
    assert caught.value.message == "Vairāk nekā 50 rindu."
    # without a message reading ends at the limit: the row after the blank ones is not reached
    assert read_xlsx(content, limits=Limits(50))[0].rows == []
    # within the limit the blank rows are skipped and the row keeps its number
    [table] = read_xlsx(_blank_rows_xlsx(3), limits=Limits(50))
    assert table.rows[0].number == 5 and table.rows[0].values == {"a": "1", "b": "2"}


def test_reading_stops_at_the_limit_without_reading_the_rest_of_the_file():
    pulled = 0

    def rows():
        nonlocal pulled
        for _ in range(100_000):
            pulled += 1
            yield ("", None)

    content = "a\n" + "\n" * 3_000 + "x\n"
    with pytest.raises(Unreadable):
        read_csv("x.csv", content.encode(), limits=Limits(20, "Vairāk nekā %(n)s rindu."))
    from atbalsts.core import tabular

    table = tabular._table("s", ["a"], rows(), Limits(20))
    assert table.rows == [] and pulled == 21


def test_sheet_titles_excel_refuses_are_made_valid_and_unique():
    titles = ["2026/01: [a]*?", "2026_01_ _a___", "x" * 40, "'"]
    content = write_xlsx([SheetOut(title, ["a"], []) for title in titles])
    assert load_workbook(io.BytesIO(content)).sheetnames == [
        "2026_01_ _a___",
        "2026_01_ _a___ (2)",
        "x" * 31,
        "Lapa",
    ]
