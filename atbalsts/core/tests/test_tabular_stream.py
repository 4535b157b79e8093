"""core.tabular.stream_table: a long extract read row by row (the registers' open data)."""

import io

import pytest
from openpyxl import Workbook

from atbalsts.core.tabular import Unreadable, plain_header, stream_table


def test_state_address_register_csv_with_hash_quotes():
    content = (
        "#KODS#;#STD#;#KOORD_X#\n#105000001#;#Brīvības iela 1, Balvi; LV-4501#;#336734.94#\n\n"
    ).encode()
    stream = stream_table("AW_EKA.CSV", io.BytesIO(content), header=plain_header)
    assert stream.header == ["kods", "std", "koord_x"]
    rows = list(stream.rows)
    assert [(r.number, r.values["std"]) for r in rows] == [(2, "Brīvības iela 1, Balvi; LV-4501")]


def test_comma_csv_with_bom_and_pipe_csv():
    comma = stream_table("r.csv", io.BytesIO('\ufeffregcode,name\n40003032949,"A, B"\n'.encode()))
    assert [r.values for r in comma.rows] == [{"regcode": "40003032949", "name": "A, B"}]
    pipe = stream_table("r.txt", io.BytesIO(b"a|b\n1|2\n"))
    assert [r.values for r in pipe.rows] == [{"a": "1", "b": "2"}]


def test_xlsx_first_sheet_streams():
    book = Workbook()
    book.active.append(["Reģ. Nr.", "Nosaukums"])
    book.active.append(["40003032949", "SIA Tests"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    stream = stream_table("x.xlsx", buffer, header=plain_header)
    assert [r.values for r in stream.rows] == [
        {"reg._nr.": "40003032949", "nosaukums": "SIA Tests"}
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"a;b\n\xe2\x28\xa1;1\n", "UTF-8"),
        ("a.csv", "\ufeffa;b\n".encode("utf-16"), "UTF-8"),
        ("a.pdf", b"%PDF", "Atbalstītie formāti"),
        ("a.xlsx", b"not a zip", "XLSX"),
    ],
)
def test_unreadable_files_say_why(name, content, message):
    with pytest.raises(Unreadable) as caught:
        list(stream_table(name, io.BytesIO(content)).rows)
    assert message in caught.value.message
