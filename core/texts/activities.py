"""Sentences of the activity loop: publishing, registration, the waiting list, check-in, ratings,
the operators' commands and the spreadsheet's headers."""

TEXTS: dict[str, str] = {
    "activities.yes": "是",
    "activities.no": "否",
    "activities.unlimited": "不限",
    "activities.whole_day": "{day}（全天）",
    "activities.left": "余 {n} 个名额",
    "activities.full": "已满",
    "activities.full_waiting": "已满，可排队候补",
    # publishing
    "activities.publish.usage": "请发送“发布 活动编号 [名额]”，例如：发布 12 或 发布 12 50（名额为正整数，不填为不限）"
                                "。",
    "activities.published": "活动 {id}“{name}”已开放报名。\n时间：{time}\n名额：{capacity}\n"
                            "报名截止：{deadline}\n允许现场签到：{walk_ins}；签退：{checkout}\n"
                            "青年发送“报名 {id}”即可报名。",
    "activities.republished": "活动 {id}“{name}”的报名设置已更新。\n时间：{time}\n名额：{capacity}\n"
                              "报名截止：{deadline}\n允许现场签到：{walk_ins}；签退：{checkout}",
    "activities.already_published": "活动 {id}“{name}”已经开放报名，设置未改变。\n时间：{time}\n名额：{capacity}\n"
                                    "报名截止：{deadline}\n如需修改名额，请发送“发布 {id} 名额”，例如：发布 {id} 50。",
    # refusals (a rule said no)
    "activities.refused.unknown": "没有找到您可以管理的编号为 {id} 的活动。发送“我的申报”查看活动编号。",
    "activities.refused.not_approved": "活动 {id} 尚未通过审核，通过后才能发布报名。",
    "activities.refused.ended": "活动 {id} 已于 {end} 结束，不能再发布报名。",
    "activities.refused.deadline_past": "报名截止时间 {deadline} 已经过去，请填写将来的时间。",
    "activities.refused.capacity_below": "活动 {id} 已有 {n} 人报名，名额不能改为少于 {n}（{capacity}）；"
                                        "已报名的人不会被取消。",
    "activities.refused.not_published": "编号为 {id} 的活动没有开放报名。发送“活动”查看可报名的活动。",
    "activities.refused.deadline": "该活动的报名已于 {deadline} 截止。发送“活动”查看其他活动。",
    "activities.refused.twice_registered": "您已报名该活动，无需重复报名。发送“我的活动”查看。",
    "activities.refused.twice_waiting": "您已在该活动的候补名单中，有名额时会通知您。发送“我的活动”查看候补位次。",
    "activities.refused.twice_walk_in": "您已在现场签到该活动，无需再报名。",
    "activities.refused.not_registered": "您没有报名编号为 {id} 的活动。发送“我的活动”查看您的报名。",
    "activities.refused.cancel_started": "活动已开始或您已签到，不能再取消报名。",
    "activities.refused.scan_unknown": "这个二维码不是有效的活动签到码，请向工作人员确认。",
    "activities.refused.scan_outside": "“{name}”的签到时间为 {starts} 至 {ends}（前后各 {margin} 分钟内可签到），"
                                       "现在不在签到时间内。",
    "activities.refused.scan_not_registered": "您没有报名“{name}”，该活动不接受现场签到。"
                                              "请联系工作人员。",
    "activities.refused.scan_no_checkout": "“{name}”不需要签退。",
    "activities.refused.scan_out_first": "您还没有签到“{name}”，请先扫描签到码。",
    "activities.refused.rate_not_participant": "只有签到参加了“{name}”的青年才能评价。",
    "activities.refused.rate_closed": "该活动的评价已于 {until} 截止。",
    "activities.refused.comment_long": "评论最多 {max} 字（现在 {n} 字），请精简后重新发送。",
    "activities.refused.score_range": "评分要是 1 到 5 的整数（“{text}”不行），例如：评价 12 5 很有收获。",
    "activities.refused.comment_unknown": "没有编号为 {id} 的评论。",
    # browsing
    "activities.list.head": "{where}可报名的活动（共 {n} 个，第 {page}/{pages} 页）：",
    "activities.list.all": "",
    "activities.list.line": "{id}. {name}｜{town}｜{time}｜{left}",
    "activities.list.more": "发送“活动 {next}页”看下一页；",
    "activities.list.footer": "{more}发送“活动 编号”查看详情，例如：活动 {example}；按镇街查看：活动 石龙。",
    "activities.list.none": "目前没有可报名的活动，请稍后再来看看。",
    "activities.list.none_town": "{town}目前没有可报名的活动。发送“活动”查看全部。",
    "activities.list.no_town": "没有找到镇街“{town}”，请发送“活动 镇街名”，例如：活动 石龙。",
    "activities.list.no_page": "没有第 {page} 页（共 {pages} 页）。",
    "activities.one": "活动 {id}：{name}\n时间：{time}\n地点：{place}（{town}）\n名额：{left}\n"
                      "报名截止：{deadline}\n简介：{about}",
    "activities.one.how": "发送“报名 {id}”报名。",
    # registering
    "activities.register.usage": "请发送“报名 活动编号”，例如：报名 12。发送“活动”查看可报名的活动。",
    "activities.ask.name": "报名活动 {id}“{name}”。请回复参加者的姓名（例如：张三）。发送“取消”放弃报名。",
    "activities.ask.mobile": "{person}，请回复您的手机号码（11 位，例如：13800138000），仅用于活动联系。",
    "activities.ask.confirm": "请确认报名活动 {id}“{name}”：\n姓名：{person}\n手机：{mobile}\n"
                              "回复“确认”完成报名，回复“修改”重新填写，回复“取消”放弃。",
    "activities.invalid.name_digits": "姓名里不能有数字，请回复参加者的姓名，例如：张三。",
    "activities.invalid.name_symbols": "姓名里只能有文字（少数民族姓名可用“·”），请重新回复，例如：张三。",
    "activities.invalid.name_short": "姓名至少 {min} 个字，请回复完整姓名，例如：张三。",
    "activities.invalid.name_long": "姓名最多 {max} 个字，请重新回复，例如：张三。",
    "activities.invalid.mobile_chars": "手机号码只能是数字，请回复 11 位手机号码，例如：13800138000。",
    "activities.invalid.mobile_length": "手机号码应为 11 位（您输入了 {n} 位），请重新回复，例如：13800138000。",
    "activities.invalid.mobile_prefix": "这不是有效的手机号码（应以 13 至 19 开头），请重新回复，例如：13800138000。",
    "activities.invalid.confirm": "请回复“确认”“修改”或“取消”。\n{prompt}",
    "activities.register.dropped": "已放弃报名，填写的内容已清除。",
    "activities.register.ok": "报名成功！{person}，您已报名活动 {id}“{name}”。\n时间：{time}\n地点：{place}\n"
                              "活动当天扫描现场二维码签到。如不能参加，请发送“取消报名 {id}”。",
    "activities.register.waiting": "活动 {id}“{name}”名额已满，您已进入候补名单，排第 {place} 位。"
                                   "有人取消时按顺序递补并通知您。",
    "activities.cancel.usage": "请发送“取消报名 活动编号”，例如：取消报名 12。",
    "activities.cancel.ok": "已取消活动 {id} 的报名。",
    "activities.roster.usage": "请发送“报名名单 活动编号”，例如：报名名单 12（第 2 页：报名名单 12 2页）。",
    "activities.roster.head": "活动 {id}“{name}”报名名单（共 {n} 人，第 {page}/{pages} 页；手机号码属个人信息，"
                              "请勿外传）：",
    "activities.roster.line": "{n}. {name} {mobile}｜{state}",
    "activities.roster.next": "发送“报名名单 {id} {page}页”看下一页。",
    "activities.mine.none": "您还没有报名活动。发送“活动”查看可报名的活动。",
    "activities.mine.head": "我的活动（{n} 个）：",
    "activities.mine.line": "{id}. {name}｜{time}｜{state}",
    "activities.mine.registered": "已报名",
    "activities.mine.walk_in": "现场签到",
    "activities.mine.checked_in": "已签到",
    "activities.mine.waiting": "候补第 {place} 位",
    # check-in
    "activities.scan.checked_in": "签到成功！欢迎参加“{name}”（{at}）。活动结束后可发送“评价 {id} 分数 评论”评价。",
    "activities.scan.walked_in": "现场签到成功！欢迎参加“{name}”（{at}）。活动结束后可发送“评价 {id} 分数 评论”评价。",
    "activities.scan.already_in": "您已于 {at} 签到“{name}”，无需重复签到。",
    "activities.scan.checked_out": "签退成功（{at}），感谢参加“{name}”！欢迎发送“评价 {id} 分数 评论”评价。",
    "activities.scan.already_out": "您已于 {at} 签退“{name}”。",
    "activities.scan.welcome": "欢迎关注东莞“青年之声”！\n{help}",
    # ratings
    "activities.rate.usage": "请发送“评价 活动编号 分数 [评论]”，分数为 1 到 5，例如：评价 12 5 很有收获。",
    "activities.rate.ok": "感谢评价！您给活动 {id} 打了 {score} 分。",
    "activities.rate.replaced": "已更新您的评价：活动 {id}，{score} 分（替换了之前的评价）。",
    "activities.hide.usage": "请发送“隐藏评论 评论编号”，例如：隐藏评论 3。",
    "activities.hide.ok": "评论 {id} 已隐藏，组织方不再看到。",
    # the organisation's view
    "activities.admin.figures": "【组织可见】报名 {registrations}｜候补 {waiting}｜签到 {participants}"
                                "（现场 {walk_ins}）｜评价 {ratings} 条，平均 {average} 分｜评论 {comments}",
    "activities.admin.support": "按实际人数核定：{line}",
    "activities.admin.comment": "  #{id} {score}分：{comment}",
    "activities.plan.line": "计划 {scale} 人｜实际：报名 {registrations}，签到 {participants}，"
                            "评价 {ratings} 条（平均 {average} 分）",
    "activities.plan.unpublished": "计划 {scale} 人｜尚未发布报名（发送“发布 {id} 名额”开放报名）",
    "activities.org.line": "组织合计（重磅活动指标）：报名 {registrations}，签到 {participants}，"
                           "评论 {comments}，大赛有效票 {votes}",
    "activities.town.line": "活动报名：已发布 {published} 个，报名 {registrations}，候补 {waiting}，"
                            "签到 {participants}，评价 {ratings} 条（平均 {average} 分）",
    # notices (customer-service text, or a template's short values)
    "activities.notice.promoted": "好消息！您已从候补递补为活动 {id}“{name}”的正式报名者。"
                                  "如不能参加，请发送“取消报名 {id}”。",
    "activities.notice.promoted_short": "候补递补成功",
    "activities.notice.reminder": "提醒：您报名的活动 {id}“{name}”将于 {time} 开始，地点：{place}。"
                                  "如不能参加，请发送“取消报名 {id}”。",
    "activities.notice.reminder_short": "活动即将开始",
    "activities.notice.rate": "感谢参加“{name}”！请发送“评价 {id} 分数 评论”为活动打分（1-5 分），"
                              "{until} 前有效。",
    "activities.notice.rate_short": "欢迎评价活动",
    # operators' commands
    "activities.cli.published": "活动 {id}“{name}”已开放报名：名额 {capacity}，报名截止 {deadline}，"
                                "现场签到 {walk_ins}，签退 {checkout}",
    "activities.cli.republished": "活动 {id}“{name}”的报名设置已更新：名额 {capacity}，报名截止 {deadline}，"
                                  "现场签到 {walk_ins}，签退 {checkout}",
    "activities.cli.already_published": "活动 {id}“{name}”已经开放报名，设置未改变：名额 {capacity}，"
                                        "报名截止 {deadline}，现场签到 {walk_ins}，签退 {checkout}",
    "activities.cli.bad_deadline": "报名截止时间格式不对：{value}（应为 YYYY-MM-DD HH:MM）",
    "activities.cli.bad_capacity": "名额须为正整数：{value}",
    "activities.cli.png_only": "二维码只能保存为 .png 文件：{out}",
    "activities.cli.xlsx_only": "只支持导出 .xlsx 文件：{out}",
    "activities.cli.qrcode": "已生成活动 {id} 的{kind}二维码 {out}（有效期至 {until}）",
    "activities.cli.kind.in": "签到",
    "activities.cli.kind.out": "签退",
    "activities.cli.no_checkout": "活动 {id} 不需要签退，没有签退二维码。",
    "activities.cli.wechat_failed": "微信接口调用失败：{error}",
    "activities.cli.exported": "已导出活动 {id}：报名 {registrations} 行，签到 {checkins} 行，到 {out}",
    "activities.cli.status": "活动 {id}“{name}”｜{time}\n名额 {capacity}｜报名 {registrations}｜候补 {waiting}"
                             "｜已取消 {cancelled}\n签到 {participants}（现场 {walk_ins}）｜签退 {checked_out}\n"
                             "评价 {ratings} 条，平均 {average} 分｜评论 {comments}",
    "activities.cli.support": "按实际人数核定：",
    # manual corrections of the actual numbers (`filing actuals`)
    "activities.correction.figure.participants": "参与",
    "activities.correction.figure.registrations": "报名",
    "activities.correction.figure.interactions": "互动用户",
    "activities.correction.line": "人工修正：{figure} {after}（报名签到记录 {loop}），{by} 于 {at}，原因：{reason}",
    "activities.correction.legacy_reason": "修正记录建立前手工录入",
    "activities.correction.change": "  {figure}：{before} → {after}",
    "activities.correction.cleared": "（撤销修正，恢复为报名签到记录）",
    "activities.correction.done": "活动 {id} 已记录人工修正（{by}，原因：{reason}）：",
    "activities.correction.reason_needed": "请用 --reason 写明修正原因，例如 --reason \"纸质签到表补录\"",
    "activities.correction.needed": "请至少指定 --participants、--registrations、--interactions 或 --clear 之一",
    "activities.correction.twice": "同一项不能既修正又撤销：{figure}",
    "activities.cli.waiting_head": "候补名单：",
    "activities.cli.waiting_line": "  {place}. {name} {mobile}",
    # the export's sheets and headers
    "activities.export.sheet.registrations": "报名",
    "activities.export.sheet.checkins": "签到",
    "activities.export.unnamed": "（现场签到，未留姓名）",
    "activities.export.col.name": "姓名",
    "activities.export.col.mobile": "手机",
    "activities.export.col.time": "报名时间",
    "activities.export.col.state": "状态",
    "activities.export.col.checkin": "签到时间",
    "activities.export.col.checkout": "签退时间",
    "activities.export.col.minutes": "时长（分钟）",
    "activities.export.erased": "（已删除）",
    "activities.state.registered": "已报名",
    "activities.state.waiting": "候补",
    "activities.state.cancelled": "已取消",
    "activities.state.walk_in": "现场签到",
}
