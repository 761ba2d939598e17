"""Deciding date and money formats per column, sniffing files, mapping headers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline_tui.models import PipelineError
from pipeline_tui.services.imports.amounts import (
    MoneyEvidence,
    make_money_converter,
    to_minor_units,
)
from pipeline_tui.services.imports.cells import BadValue
from pipeline_tui.services.imports.columns import map_header, norm
from pipeline_tui.services.imports.dates import DateEvidence, make_date_converter
from pipeline_tui.services.imports.sniff import detect_delimiter, open_source, split_ranges


def _decide(values: list[str], dayfirst: bool | None = None) -> str:
    ev = DateEvidence()
    for v in values:
        ev.add(v)
    return ev.decide("Close Date", dayfirst)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-01-22", "2024-12-31"], "iso"),
        (["2024-01-22T16:14:25.000+0000"], "iso"),
        (["2024-01-22 16:14", "2024-02-01 09:00"], "iso"),
        (["4/8/2025 17:19", "2/22/2025 20:22"], "mdy"),
        (["13.02.2024", "1.3.2024"], "dmy"),
        (["1.2.2024", "3.4.2024"], "dmy"),  # dots are day-first wherever they are written
        (["22/02/2025", "01/03/2025"], "dmy"),
        (["22 Feb 2025", "1 Mar 2025"], "%d %b %Y"),
        (["Feb 22, 2025"], "%b %d, %Y"),
    ],
)
def test_date_column_formats_are_decided_from_the_values(values: list[str], expected: str) -> None:
    assert _decide(values) == expected


def test_a_column_fitting_both_orders_stops_and_names_the_column() -> None:
    with pytest.raises(PipelineError, match=r"column 'Close Date'.*--dayfirst or --monthfirst"):
        _decide(["03/04/2025", "05/06/2025"])
    assert _decide(["03/04/2025"], dayfirst=True) == "dmy"
    assert _decide(["03/04/2025"], dayfirst=False) == "mdy"


def test_one_settling_value_decides_and_a_contrary_minority_becomes_bad_rows() -> None:
    assert _decide(["03/04/2025", "05/06/2025", "25/12/2025"]) == "dmy"
    assert _decide(["13/01/2025"] * 5 + ["01/13/2025"]) == "dmy"


def test_date_converters_store_iso_dates_and_utc_timestamps() -> None:
    day = make_date_converter("dmy", as_timestamp=False, zone="UTC")
    assert day("1.3.2024") == "2024-03-01"
    stamp = make_date_converter("iso", as_timestamp=True, zone="UTC")
    assert stamp("2024-01-22T16:14:25.000+0000") == "2024-01-22T16:14:25Z"
    assert stamp("2024-01-22T16:14:25+02:00") == "2024-01-22T14:14:25Z"
    assert stamp("2024-01-22") == "2024-01-22T12:00:00Z"
    berlin = make_date_converter("mdy", as_timestamp=True, zone="Europe/Berlin")
    assert berlin("7/1/2025 14:00") == "2025-07-01T12:00:00Z"  # CEST, UTC+2
    assert berlin("1/7/2025 2:30 PM") == "2025-01-07T13:30:00Z"  # CET, UTC+1
    with pytest.raises(BadValue):
        day("31.2.2024")
    with pytest.raises(BadValue):
        stamp("2024-01-22 25:00")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1,234.56", "12.50"], "."),
        (["1.234,56", "12,50"], ","),
        (["1.234.567", "999"], ","),
        (["1054", "50"], "."),  # no separator at all: either works
        (["1234.567"], "."),  # four digits before the dot cannot be a thousands group
        (["€ 1.234,56"], ","),
    ],
)
def test_money_columns_decide_their_decimal_separator(values: list[str], expected: str) -> None:
    ev = MoneyEvidence()
    for v in values:
        ev.add(v)
    assert ev.decide("Amount", None) == expected


def test_an_ambiguous_money_column_stops() -> None:
    ev = MoneyEvidence()
    for v in ("1,234", "5,600"):
        ev.add(v)
    with pytest.raises(PipelineError, match="'Amount'.*--decimal"):
        ev.decide("Amount", None)
    assert ev.decide("Amount", ",") == ","


def test_money_converter_reads_symbols_codes_groups_and_suffixes() -> None:
    comma = make_money_converter(",")
    assert comma("1.234,56") == ("1234.56", None)
    assert comma("1.234,56 €") == ("1234.56", "EUR")
    point = make_money_converter(".")
    assert point("$12,500") == ("12500", "USD")
    assert point("EUR 12k") == ("12000", "EUR")
    assert point("1,234.5") == ("1234.5", None)
    for bad in ("12,34,5", "abc", "-5", "1.2.3"):
        with pytest.raises(BadValue):
            point(bad)
    assert to_minor_units("1234.56", "EUR", "x") == 123456
    assert to_minor_units("1234", "JPY", "x") == 1234
    with pytest.raises(BadValue, match="too many decimals"):
        to_minor_units("1.234", "USD", "1.234")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1;2,5;3\n", ";"),
        ("Name;Wert\nAcme;1.234,56\nB;2,5\n", ";"),
        ("a\tb\n1\t2\n", "\t"),
        ("a|b\n1|2\n", "|"),
        ("Date,Time\n1.2.2024,17:19\n", ","),  # dots and colons are never delimiters
        ("only\nvalue\n", ","),
    ],
)
def test_delimiter_detection(text: str, expected: str) -> None:
    assert detect_delimiter(text) == expected


def test_open_source_detects_bom_windows_1252_and_header_end(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + "Name,Ort\r\nZoë,Köln\r\n".encode())
    src = open_source(str(bom))
    assert (src.encoding, src.delimiter, src.header) == ("utf-8", ",", ["Name", "Ort"])
    assert src.data_start == len(codecs.BOM_UTF8 + b"Name,Ort\r\n")
    win = tmp_path / "win.csv"
    win.write_bytes("Firma;Wert\r\nMüller GmbH;1.234,56\r\n".encode("cp1252"))
    src = open_source(str(win))
    assert (src.encoding, src.delimiter, src.header) == ("cp1252", ";", ["Firma", "Wert"])
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes("Name\tCity\r\nAna\tSão Paulo\r\n".encode("utf-16"))
    src = open_source(str(utf16))
    assert (src.encoding, src.delimiter, src.header) == ("utf-8", "\t", ["Name", "City"])
    src.close()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(PipelineError, match="empty"):
        open_source(str(empty))
    with pytest.raises(PipelineError, match="no such file"):
        open_source(str(tmp_path / "missing.csv"))


def test_split_ranges_cut_only_between_records(tmp_path: Path) -> None:
    rows = ["id,notes"] + [
        f'{i},"line\nbreak {i}"' if i % 3 == 0 else f"{i},x" for i in range(2000)
    ]
    path = tmp_path / "f.csv"
    path.write_text("\n".join(rows) + "\n")
    src = open_source(str(path))
    ranges = split_ranges(src, 4)
    assert len(ranges) == 4
    data = path.read_bytes()
    for start, _end, line in ranges:
        assert data[start - 1 : start] == b"\n"
        assert data[start:].split(b",")[0].isdigit()  # a record starts here
        assert data[:start].count(b"\n") + 1 == line
    assert ranges[-1][1] == len(data)


def test_headers_map_from_crm_exports_and_other_languages() -> None:
    pipedrive = ["Deal - Title", "Deal - Value", "Deal - Stage", "Person - Email",
                 "Organization - Name", "Deal - Owner", "Deal - Expected close date"]  # fmt: skip
    m = map_header("deals", pipedrive)
    assert m.fields == {"title": 0, "value": 1, "stage": 2, "contact_email": 3, "company": 4,
                        "owner": 5, "close_date": 6}  # fmt: skip
    hubspot = ["Deal Name", "Deal Stage", "Amount", "Close Date", "Deal owner", "Record ID"]
    assert set(map_header("deals", hubspot).fields) == {
        "title", "stage", "value", "close_date", "owner", "external_id"}  # fmt: skip
    sf = ["Id", "Name", "StageName", "Amount", "CloseDate", "Probability",
          "ForecastCategoryName", "OwnerId", "NextStep", "ForecastCategory"]  # fmt: skip
    m = map_header("deals", sf)
    assert m.column("category") == "ForecastCategoryName"
    assert (9, "ForecastCategory") in m.custom  # the second candidate is kept, not dropped
    de = map_header("leads", ["Vorname", "Nachname", "Firma", "E-Mail", "Telefon"])
    assert set(de.fields) == {"first_name", "last_name", "company", "email", "phone"}
    fr = map_header("leads", ["Prénom", "Nom", "Société", "Courriel"])
    assert set(fr.fields) == {"first_name", "last_name", "company", "email"}
    es = map_header("deals", ["Título", "Empresa", "Importe", "Etapa"])
    assert set(es.fields) == {"title", "company", "value", "stage"}
    assert norm("Währung") == "wahrung"


def test_map_overrides_and_unmapped_columns() -> None:
    m = map_header("leads", ["Full", "Mail", "Shoe size", "Junk"], ["Full=name", "Mail=email",
                   "Junk=-"])  # fmt: skip
    assert m.fields == {"name": 0, "email": 1}
    assert m.custom == [(2, "Shoe size")]
    assert m.ignored == ["Junk"]
    with pytest.raises(PipelineError, match="unknown field 'nope'"):
        map_header("leads", ["Full"], ["Full=nope"])
    with pytest.raises(PipelineError, match="no such column"):
        map_header("leads", ["Full"], ["Missing=name"])
    with pytest.raises(PipelineError, match="no column for a name or an email"):
        map_header("leads", ["Shoe size"])
