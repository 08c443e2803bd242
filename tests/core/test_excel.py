"""The one Excel writer, without an application: types, text, dates, long sheets, the template extras."""
from datetime import UTC, date, datetime
from decimal import Decimal as D
from io import BytesIO

from openpyxl import load_workbook

from hygiene.core import excel
from hygiene.core.excel import ListChoice, Sheet, workbook


def read(data: bytes):
    return load_workbook(BytesIO(data))


def test_numbers_stay_numbers_and_typed_formulas_stay_text():
    data = workbook([Sheet("t", ["a", "b", "c"], [[D("85.5"), "=1+1", date(2026, 10, 1)]])])
    sheet = read(data).active
    assert (sheet["A2"].value, sheet["A2"].number_format) == (85.5, "0.00")
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("=1+1", "s")
    assert sheet["C2"].value == datetime(2026, 10, 1)


def test_every_type_of_cell_reads_back_as_written():
    moment = datetime(2026, 11, 2, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    row = [7, 2.5, True, None, "文字 & <标签>", moment, datetime(2026, 1, 1, 8, 0), D("-3")]
    sheet = read(workbook([Sheet("类型", list("abcdefgh"), [row], [8, 12], caption="说明一行")])).active
    assert sheet.title == "类型" and sheet["A1"].value == "说明一行" and sheet["A2"].font.b
    values = [cell.value for cell in sheet[3]]
    assert values == [7, 2.5, True, None, "文字 & <标签>", datetime(2026, 11, 2, 10, 30), datetime(2026, 1, 1, 8, 0), -3]
    assert sheet["F3"].number_format == "yyyy-mm-dd hh:mm" and sheet["H3"].number_format == "0.00"
    assert sheet.column_dimensions["A"].width == 8


def test_characters_xml_cannot_hold_are_dropped_and_sheet_names_are_made_legal():
    data = workbook([Sheet("a/b:c*" + "长" * 40, ["x"], [["bell\x07 and\x00 nul\x1f"]]), Sheet("a/b:c*" + "长" * 40, ["y"], [])])
    book = read(data)
    first, second = book.worksheets
    assert first["A2"].value == "bell and nul"
    assert len(first.title) <= 31 and "/" not in first.title and first.title != second.title


def test_a_sheet_longer_than_excel_allows_goes_on_in_a_second_sheet(monkeypatch):
    monkeypatch.setattr(excel, "EXCEL_ROWS", 4)  # headers and three rows per sheet
    told: list[int] = []
    out = BytesIO()
    monkeypatch.setattr(excel, "PROGRESS_EVERY", 2)
    written = excel.write_workbook([Sheet("项目", ["n"], ([i] for i in range(7))), Sheet("后", ["z"], [[1]])],
                                   out, progress=told.append)
    book = read(out.getvalue())
    assert written == 8 and [s.title for s in book.worksheets] == ["项目", "项目 2", "项目 3", "后"]
    assert [[c.value for c in row] for row in book["项目 2"].iter_rows()] == [["n"], [3], [4], [5]]
    assert [row[0].value for row in book["项目 3"].iter_rows()] == ["n", 6]
    assert told == [2, 4, 6, 8]


def test_text_columns_frozen_headers_and_a_drop_down():
    choice = ListChoice(2, "'类别'!$A$2:$A$3")
    sheets = [Sheet("单位", ["名称", "类别"], [["示例", "餐饮"]], text_columns=[1, 2], freeze_headers=True,
                    choices=[choice]), Sheet("类别", ["类别"], [["餐饮"], ["其他"]])]
    book = read(workbook(sheets))
    sheet = book["单位"]
    assert sheet.freeze_panes == "A2"
    validation = sheet.data_validations.dataValidation[0]
    assert validation.type == "list" and validation.formula1 == "'类别'!$A$2:$A$3" and "B2:B2000" in str(validation.sqref)
    sheet.append(["新", "其他"])  # a downloaded template can be filled in and saved again
    book.save(BytesIO())


def test_column_letters():
    assert [excel.column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
