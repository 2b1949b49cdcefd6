"""Sentences of the one table reader every import uses (.csv and .xlsx files from the operators)."""

TEXTS: dict[str, str] = {
    "sheets.line": "第 {line} 行：{reason}",
    "sheets.blank_cell": "（空）",
    "sheets.either": "或",
    "sheets.no_file": "找不到文件 {path}",
    "sheets.empty": "文件是空的，没有表头和数据",
    "sheets.binary": "这不是表格文件：请上传 .xlsx，或在 Excel 中“另存为”CSV 文件",
    "sheets.encoding": "无法识别文件的编码（既不是 UTF-8，也不是 GBK/GB18030）：请在 Excel 中"
                       "“另存为”.xlsx 或“CSV UTF-8（逗号分隔）”后重新导入",
    "sheets.xls": "这是旧版 Excel（.xls）文件：请在 Excel 中“另存为”.xlsx 后重新导入",
    "sheets.bad_xlsx": "文件是压缩包，但不是可读取的 Excel 工作簿（.xlsx）：请用 Excel 打开后重新保存为 .xlsx",
    "sheets.missing_columns": "表头缺少列：{columns}（该行的表头为：{found}）",
    "sheets.repeated_column": "表头中有重复的列：{columns}，无法确定使用哪一列",
    "sheets.no_rows": "表头下面没有数据行",
    "sheets.failed": "导入失败，没有写入任何数据。请修改以下 {count} 处后重新导入：",
    "sheets.file_failed": "无法导入 {name}：{reason}",
}
