"""`org add` and `org import`, through the real command line: names, towns, every file kind."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.services import Services
from models.orgs import Organisation
from tests.support_sheets import bom_csv, excel_csv, junk, merged_xlsx, xlsx

HEADER = ["名称", "镇街", "类型"]
FAILED = "错误：导入失败，没有写入任何数据。请修改以下 {n} 处后重新导入："


def run(app: Flask, *args: str) -> object:
    """Invoke a command in the app's context, as `flask --app wsgi` does."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def orgs(services: Services) -> dict[str, tuple[str, str]]:
    """Registered organisations: name -> (town, kind)."""
    with services.db.session() as s:
        return {o.name: (o.town, o.kind) for o in s.scalars(select(Organisation))}


def count_orgs(services: Services) -> int:
    """How many organisations are registered."""
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(Organisation)) or 0


def test_org_import_gbk_csv_as_chinese_excel_saves_it(app: Flask, services: Services,
                                                      tmp_path: Path) -> None:
    """GBK with CRLF: every row registered, blank rows skipped, the count on the last line."""
    file = excel_csv(tmp_path / "组织.csv", [HEADER + ["联系人"], ["石龙团委", "石龙镇", "镇街团委", "张"],
                                             ["南城青年之家", "南城", "青年之家", ""], ["", "", "", ""],
                                             ["松山湖协会", "松山湖高新区", "", ""]])
    result = run(app, "org", "import", str(file))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1\t石龙团委（石龙）", "2\t南城青年之家（南城）", "3\t松山湖协会（松山湖）",
                                          "已导入 3 个组织。", "3"]
    assert orgs(services) == {"石龙团委": ("石龙", "town"), "南城青年之家": ("南城", "youth_home"),
                              "松山湖协会": ("松山湖", "org")}


@pytest.mark.parametrize("make", [
    lambda p: bom_csv(p / "orgs.csv", [HEADER, ["东城团委", "东城街道", "town"]]),
    lambda p: xlsx(p / "orgs.xlsx", [["name", "town", "kind"], ["东城团委", "东城街道", "town"]]),
    lambda p: merged_xlsx(p / "orgs.xlsx", "2017年组织名单", HEADER, [["东城团委", "东城", "镇街团委"]]),
    lambda p: excel_csv(p / "orgs.xlsx", [HEADER, ["东城团委", "东城", "镇街团委"]]),
    lambda p: xlsx(p / "orgs.csv", [HEADER, ["东城团委", "东城", "镇街团委"]]),
    lambda p: excel_csv(p / "orgs.csv", [["　名 称", "镇街 ", "类型"], ["东城团委", "东城", "镇街团委"]]),
], ids=["utf8-bom", "xlsx-english", "xlsx-merged", "csv-named-xlsx", "xlsx-named-csv", "spaced-headers"])
def test_org_import_every_file_kind(app: Flask, services: Services, tmp_path: Path, make) -> None:
    """UTF-8 with BOM, .xlsx, merged headers, wrong names for the format, spaced headers."""
    result = run(app, "org", "import", str(make(tmp_path)))
    assert result.exit_code == 0, result.output
    assert orgs(services) == {"东城团委": ("东城", "town")}


def test_org_import_reports_every_bad_row_and_imports_nothing(app: Flask, services: Services,
                                                              tmp_path: Path) -> None:
    """Each bad line with its number and reason, in one message; not one row imported."""
    run(app, "org", "add", "--name", "已有团委", "--town", "石龙")
    file = excel_csv(tmp_path / "orgs.csv", [
        HEADER, ["好组织", "石龙", ""], ["火星团委", "火星", ""], ["好组织", "石龙", ""],
        ["", "东城", ""], ["怪组织", "东城", "公司"], ["已有团委", "石龙", ""], ["长" * 101, "石龙", ""],
        ["无镇街", "", ""]])
    result = run(app, "org", "import", str(file))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        FAILED.format(n=7), "第 3 行：未知的镇街“火星”", "第 4 行：名称“好组织”在文件中重复",
        "第 5 行：名称不能为空，且不超过 100 字", "第 6 行：未知的类型“公司”（可填：镇街团委、青年之家、组织用户）",
        "第 7 行：组织“已有团委”已经登记过", "第 8 行：名称不能为空，且不超过 100 字", "第 9 行：未知的镇街“”"]
    assert count_orgs(services) == 1


@pytest.mark.parametrize("make, lines", [
    (lambda p: excel_csv(p / "bad.csv", [["名称", "地址"], ["某组织", "某处"]]),
     [FAILED.format(n=1), "第 1 行：表头缺少列：镇街（该行的表头为：名称、地址）"]),
    (lambda p: excel_csv(p / "bad.csv", [HEADER]), [FAILED.format(n=1), "第 1 行：表头下面没有数据行"]),
    (lambda p: junk(p / "orgs.xlsx"),
     ["错误：无法导入 orgs.xlsx：这不是表格文件：请上传 .xlsx，或在 Excel 中“另存为”CSV 文件"]),
    (lambda p: junk(p / "orgs.csv"),
     ["错误：无法导入 orgs.csv：这不是表格文件：请上传 .xlsx，或在 Excel 中“另存为”CSV 文件"]),
    (lambda p: p / "nope.csv", [None]),
])
def test_org_import_bad_files(app: Flask, services: Services, tmp_path: Path, make, lines) -> None:
    """Missing columns, no rows, junk under either name, a missing file: exact lines, exit 1."""
    path = make(tmp_path)
    result = run(app, "org", "import", str(path))
    assert result.exit_code == 1
    expected = [line or f"错误：无法导入 nope.csv：找不到文件 {path}" for line in lines]
    assert result.output.splitlines() == expected
    assert count_orgs(services) == 0


@pytest.mark.parametrize("name", ["", "  ", "\u3000\u3000", "长" * 101, "a\tb"])
def test_org_add_refuses_blank_and_long_names(app: Flask, services: Services, name: str) -> None:
    """Empty, blank in either width, over the column's 100 characters, or with a control character."""
    result = run(app, "org", "add", "--name", name, "--town", "石龙")
    assert (result.exit_code, result.output) == (
        1, f"错误：组织名称不能为空，且不超过 100 个字（收到：“{name}”）\n")
    assert count_orgs(services) == 0


def test_org_add_trims_and_checks_the_town(app: Flask, services: Services) -> None:
    """A name is stored trimmed; a town not in data/towns.toml (or blank) is refused with one line."""
    for town in ("火星", "", "石"):
        result = run(app, "org", "add", "--name", "某团委", "--town", town)
        assert (result.exit_code, result.output) == (
            1, f"错误：未知的镇街：“{town}”（镇街名单见 data/towns.toml）\n")
    added = run(app, "org", "add", "--name", " 石龙团委\u3000", "--town", "石龙镇")
    assert added.output.splitlines() == ["已登记组织：石龙团委（石龙）", "1"]
    assert orgs(services) == {"石龙团委": ("石龙", "org")}
    assert run(app, "org", "add", "--name", "长" * 100, "--town", "石龙").exit_code == 0
