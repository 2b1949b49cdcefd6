"""Sentences of the dialog engine, shared by every conversation."""

TEXTS: dict[str, str] = {
    "dialog.cancelled": "已取消，填写的内容已清除。发送“帮助”查看可用功能。",
    "dialog.idle": "您有一份未完成的{noun}填写，已暂停一段时间。\n"
                   "回复“继续”接着填写，回复“重新开始”从头填写，回复“取消”放弃。",
    "dialog.idle.kept": "您离开了一段时间，{noun}填写一直为您保留着，这条回复已接着填写。"
                        "如需从头填写请回复“重新开始”，放弃请回复“取消”。",
    "dialog.waiting": "（您的{noun}填写还未完成，正在等待：{where}。回复“继续”接着填写。）",
    "dialog.where.more": "是否再添加一个{noun}",
    "dialog.where.summary": "核对汇总并确认提交",
    "dialog.lost.what": "{noun}填写",
    "dialog.lost.what_any": "填写",
    "dialog.lost.expired": "您有一份未完成的{what}超过 {days} 天没有继续，已经失效，之前填写的内容没有保留。",
    "dialog.lost.changed": "系统已更新，您未完成的{what}无法接着填写，已清除，抱歉给您带来不便。",
    "dialog.lost.again": "发送“{word}”可重新开始填写。",
    "dialog.lost.help": "发送“帮助”查看可用功能。",
    "dialog.resumed": "接着上次的填写：\n{q}",
    "dialog.restarted": "已重新开始。\n{q}",
    "dialog.pending": "您正在填写中。填写时可发送：“上一步”返回上一项，“跳过”跳过选填项，"
                      "“取消”放弃填写。\n当前问题：\n{q}",
    "dialog.progress": "（{noun}{n} · 第 {i}/{of} 项）",
    "dialog.current": "当前内容：{value}（重新填写即可修改）",
    "dialog.optional": "此项选填，可回复“跳过”。",
    "dialog.empty": "未填",
    "dialog.echo": "✓ {label}：{value}",
    "dialog.more": "第 {n} 个{noun}已填好。\n回复 1 再添加一个{noun}\n回复 2 查看汇总并提交",
    "dialog.more.invalid": "请回复 1（再添加一个{noun}）或 2（查看汇总并提交）。",
    "dialog.more.full": "每次最多填写 {max} 个{noun}。请回复 2 查看汇总并提交，提交后可再次申报。",
    "dialog.summary.record": "【{noun}{n}】",
    "dialog.summary.line": "{n}. {label}：{value}",
    "dialog.summary.footer": "回复“确认”提交，“修改 N”修改第 N 项，“取消”放弃。",
    "dialog.summary.expect": "请回复“确认”提交，或回复“修改 N”修改第 N 项（例如：修改 3）。",
    "dialog.hint": "填写遇到困难？可以发送：“上一步”返回上一项，“跳过”跳过选填项，"
                   "“帮助”查看说明，“取消”放弃填写。",
    "dialog.back.first": "已经是第一项了。\n{q}",
    "dialog.back.dropped": "已撤回第 {n} 个{noun}。",
    "dialog.skip.required": "此项必填，不能跳过。\n{q}",
    "dialog.confirm.early": "还没有填完，填完后会显示汇总，届时回复“确认”提交。\n{q}",
    "dialog.edit.early": "“修改 N”要在汇总页面使用，填完后会显示汇总。\n{q}",
    "dialog.edit.which": "汇总里有多个{noun}，请按编号修改（1 到 {total}），例如：修改 3。",
    "dialog.edit.range": "没有第 {n} 项，请回复 1 到 {total} 之间的编号，例如：修改 3。",
}
