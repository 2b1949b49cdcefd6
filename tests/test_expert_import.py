"""Importing rosters and monthly figures: headers, every bad row, all or nothing, re-import."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.services import Services
from models.expert_import import StatsImported, import_roster, import_stats
from models.experts import Expert, ExpertMonth, expert_by_name
from models.sheets import ImportFailed
from tests.support import TZ
from tests.support_experts import create_expert
from tests.support_sheets import bom_csv, excel_csv, junk, merged_xlsx

FIELDS = ("法律", "心理", "创业", "公益", "婚恋")
NOW = dt.datetime(2017, 12, 2, 9, tzinfo=TZ)


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """A CSV file with this content."""
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """An .xlsx file whose first sheet holds these rows."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def month_rows(services: Services, month: str) -> dict[str, tuple]:
    """The month's stored figures by expert name."""
    with services.db.session() as s:
        rows = s.execute(select(Expert.name, ExpertMonth.answers, ExpertMonth.interacted,
                                ExpertMonth.questions, ExpertMonth.likes)
                         .join(Expert, Expert.id == ExpertMonth.expert_id)
                         .where(ExpertMonth.month == month))
        return {name: tuple(rest) for name, *rest in rows}


@pytest.fixture()
def experts(services: Services) -> Services:
    """Three registered experts, one with a platform id."""
    with services.db.session() as s:
        create_expert(s, "张律师", "法律", platform_id="P001")
        create_expert(s, "李心理", "心理")
        create_expert(s, "王创业", "创业")
    return services


def failed(services: Services, path: Path, month: str = "2017-11") -> list[tuple[int, str, dict]]:
    """Import that must fail; its errors as (line, reason, values)."""
    with pytest.raises(ImportFailed) as exc, services.db.session() as s:
        import_stats(s, path, month, NOW)
    return [(e.line, e.key.removeprefix("experts.import."), dict(e.values)) for e in exc.value.errors]


def test_chinese_headers_csv(experts: Services, tmp_path: Path) -> None:
    """The platform's export with Chinese headers, optional columns included."""
    path = write_csv(tmp_path / "m.csv", "专家,答题数,互动答题数,提问数,点赞数\n"
                     "张律师,40,32,5,100\n李心理,3,3,,\n")
    with experts.db.session() as s:
        assert import_stats(s, path, "2017-11", NOW) == StatsImported(2, 0)
    assert month_rows(experts, "2017-11") == {"张律师": (40, 32, 5, 100), "李心理": (3, 3, None, None)}


def test_english_headers_gbk_and_platform_id(experts: Services, tmp_path: Path) -> None:
    """English headers, a GB18030 file as Excel saves it, and matching by platform id."""
    path = write_csv(tmp_path / "m.csv", "platform_id,name,answers,interacted\nP001,,12,6\n,王创业,4,1\n",
                     encoding="gb18030")
    with experts.db.session() as s:
        import_stats(s, path, "2017-11", NOW)
    assert month_rows(experts, "2017-11") == {"张律师": (12, 6, None, None), "王创业": (4, 1, None, None)}


def test_xlsx_with_float_cells_and_blank_rows(experts: Services, tmp_path: Path) -> None:
    """Spreadsheet numbers such as 40.0 are whole numbers; blank rows are skipped."""
    path = write_xlsx(tmp_path / "m.xlsx", [["专家姓名", "回答数", "互动答题数"], ["张律师", 40.0, 32],
                                            [None, None, None], ["李心理", "3", 3]])
    with experts.db.session() as s:
        assert import_stats(s, path, "2017-11", NOW) == StatsImported(2, 0)
    assert month_rows(experts, "2017-11")["张律师"][:2] == (40, 32)


def test_every_bad_row_is_reported_with_its_line(experts: Services, tmp_path: Path) -> None:
    """Each reason once, with the file's line numbers (the header is line 1)."""
    path = write_csv(tmp_path / "m.csv", "专家,答题数,互动答题数,点赞数\n"
                     "张律师,40,32,\n"      # 2 fine
                     "赵无名,5,1,\n"        # 3 unknown expert
                     "李心理,三,1,\n"       # 4 not a number
                     "王创业,-4,0,\n"       # 5 negative
                     "王创业,4,5,\n"        # 6 interacted > answers
                     "张律师,1,1,\n"        # 7 duplicate of line 2
                     "王创业,,0,\n"         # 8 empty answers
                     "王创业,4,1,2.5\n")    # 9 likes not a whole number
    errors = failed(experts, path)
    assert [(line, reason) for line, reason, _ in errors] == [
        (3, "unknown_expert"), (4, "not_count"), (5, "not_count"), (6, "interacted_over"),
        (7, "duplicate"), (8, "not_count"), (9, "not_count")]
    assert errors[4][2] == {"first": "2"}
    assert errors[1][2] == {"column": "答题数", "value": "三"}
    assert errors[6][2]["column"] == "点赞数"
    assert month_rows(experts, "2017-11") == {}


def test_a_failed_import_keeps_the_previous_month(experts: Services, tmp_path: Path) -> None:
    """Nothing half-imported: the month stays as it was."""
    good = write_csv(tmp_path / "good.csv", "专家,答题数,互动答题数\n张律师,40,32\n")
    with experts.db.session() as s:
        import_stats(s, good, "2017-11", NOW)
    bad = write_csv(tmp_path / "bad.csv", "专家,答题数,互动答题数\n李心理,3,3\n王创业,x,1\n")
    assert failed(experts, bad) == [(3, "not_count", {"column": "答题数", "value": "x"})]
    assert month_rows(experts, "2017-11") == {"张律师": (40, 32, None, None)}


def test_reimport_replaces_the_month_only(experts: Services, tmp_path: Path) -> None:
    """A second import of the month replaces it; other months stay."""
    first = write_csv(tmp_path / "a.csv", "专家,答题数,互动答题数\n张律师,40,32\n李心理,3,3\n")
    second = write_csv(tmp_path / "b.csv", "专家,答题数,互动答题数\n王创业,10,5\n")
    with experts.db.session() as s:
        import_stats(s, first, "2017-10", NOW)
        import_stats(s, first, "2017-11", NOW)
    with experts.db.session() as s:
        import_stats(s, second, "2017-11", NOW)
    assert month_rows(experts, "2017-11") == {"王创业": (10, 5, None, None)}
    assert set(month_rows(experts, "2017-10")) == {"张律师", "李心理"}


@pytest.mark.parametrize("name, content, line, key", [
    ("m.csv", "", 0, "sheets.empty"),
    ("m.csv", "专家,答题数,互动答题数\n", 1, "sheets.no_rows"),
    ("m.csv", "专家,答题数\n张律师,3\n", 1, "sheets.missing_columns"),
    ("m.csv", "答题数,互动答题数\n3,3\n", 1, "sheets.missing_columns"),
    ("m.xlsx", "not a workbook", 1, "sheets.missing_columns"),  # read as the text it is
])
def test_bad_files(experts: Services, tmp_path: Path, name: str, content: str, line: int,
                   key: str) -> None:
    """Empty files, missing columns and files that are no table are refused by the reader."""
    path = write_csv(tmp_path / name, content)
    with pytest.raises(ImportFailed) as exc, experts.db.session() as s:
        import_stats(s, path, "2017-11", NOW)
    assert [(e.line, e.key) for e in exc.value.errors] == [(line, key)]


def test_missing_file(experts: Services, tmp_path: Path) -> None:
    """A path that does not exist."""
    with pytest.raises(ImportFailed) as exc, experts.db.session() as s:
        import_stats(s, tmp_path / "nope.csv", "2017-11", NOW)
    assert exc.value.errors[0].key == "sheets.no_file"


def test_excel_files_of_every_kind(experts: Services, tmp_path: Path) -> None:
    """GBK from Chinese Excel, CSV UTF-8 with BOM, a merged-header workbook, a CSV named .xlsx."""
    header = ["专家", "答题数", "互动答题数"]
    files = [excel_csv(tmp_path / "gbk.csv", [header, ["张律师", "40", "32"]]),
             bom_csv(tmp_path / "bom.csv", [header, ["张律师", "40", "32"]]),
             merged_xlsx(tmp_path / "merged.xlsx", "2017年11月", header, [["张律师", 40, 32]]),
             excel_csv(tmp_path / "named.xlsx", [header, ["张律师", "40", "32"]])]
    for path in files:
        with experts.db.session() as s:
            import_stats(s, path, "2017-11", NOW)
        assert month_rows(experts, "2017-11") == {"张律师": (40, 32, None, None)}, path.name
    with pytest.raises(ImportFailed) as exc, experts.db.session() as s:
        import_stats(s, junk(tmp_path / "junk.csv"), "2017-11", NOW)
    assert exc.value.errors[0].key == "sheets.binary"


def test_import_counts_what_it_replaced(experts: Services, tmp_path: Path) -> None:
    """The first import replaces nothing; a second one says how many rows the month held."""
    path = write_csv(tmp_path / "a.csv", "专家,答题数,互动答题数\n张律师,40,32\n李心理,3,3\n")
    with experts.db.session() as s:
        assert import_stats(s, path, "2017-11", NOW) == StatsImported(2, 0)
    with experts.db.session() as s:
        assert import_stats(s, path, "2017-11", NOW) == StatsImported(2, 2)
    with experts.db.session() as s:
        assert {r.imported_at for r in s.scalars(select(ExpertMonth))} == {NOW}


def test_roster_adds_and_updates(services: Services, tmp_path: Path) -> None:
    """New names are added, known names get their field and platform id updated."""
    with services.db.session() as s:
        create_expert(s, "张律师", "法律")
    path = write_csv(tmp_path / "r.csv", "姓名,领域,平台ID\n张律师,婚恋,P9\n李心理,心理,\n")
    with services.db.session() as s:
        assert import_roster(s, path, FIELDS) == (1, 1)
    with services.db.session() as s:
        zhang = expert_by_name(s, "张律师")
        assert (zhang.field, zhang.platform_id) == ("婚恋", "P9")
        assert expert_by_name(s, "李心理").platform_id is None


def test_roster_errors(services: Services, tmp_path: Path) -> None:
    """Unknown fields, empty or duplicate names, taken platform ids: nothing is added."""
    path = write_csv(tmp_path / "r.csv", "name,field,platform_id\n甲,法律,\n乙,天文,\n,法律,\n甲,心理,\n"
                     "丙,公益,Q1\n丁,公益,Q1\n")
    with pytest.raises(ImportFailed) as exc, services.db.session() as s:
        import_roster(s, path, FIELDS)
    assert [(e.line, e.key.removeprefix("experts.import.")) for e in exc.value.errors] == [
        (3, "bad_field"), (4, "bad_name"), (5, "duplicate"), (7, "duplicate")]
    with services.db.session() as s:
        assert s.scalar(select(Expert.id)) is None
        create_expert(s, "戊", "法律", platform_id="Q9")
    taken = write_csv(tmp_path / "t.csv", "name,field,platform_id\n己,法律,Q9\n")
    with pytest.raises(ImportFailed) as exc, services.db.session() as s:
        import_roster(s, taken, FIELDS)
    assert [(e.line, e.key.removeprefix("experts.import.")) for e in exc.value.errors] == [(2, "pid_taken")]
