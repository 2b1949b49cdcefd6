"""Sentences of the supervisor service (督导专员服务): 督导 in chat and the supervisor commands."""

TEXTS: dict[str, str] = {
    # chat
    "supervisor.not_bound": "“督导”供各镇街的督导专员查看平台数据。如果您是督导专员，请向团市委宣传部索取绑定码，"
                            "然后发送“绑定 绑定码”，例如：绑定 ABCD2345。",
    "supervisor.unknown_town": "没有找到镇街“{text}”。您督导的镇街：{towns}。",
    "supervisor.not_yours": "您不是{town}的督导专员。您督导的镇街：{towns}。",
    "supervisor.summary.head": "您督导 {n} 个镇街（截至 {time}）：",
    "supervisor.summary.line": "【{town}】组织 {orgs} 个（已绑定 {bound}）· 本期活动 {activities} 个"
                               "（待审核 {pending}）· 大赛 {entries} 个项目 {votes} 票 · 未申报 {unfiled} 个",
    "supervisor.summary.foot": "发送“督导 镇街名”查看详情，例如：督导 {town}",
    "supervisor.head": "【{town}】督导数据（截至 {time}）",
    "supervisor.orgs": "组织：共 {total} 个（{kinds}），已绑定管理员的 {bound} 个",
    "supervisor.orgs.none": "组织：尚未登记任何组织",
    "supervisor.kind.town": "镇街团委 {n}",
    "supervisor.kind.youth_home": "青年之家 {n}",
    "supervisor.kind.org": "组织用户 {n}",
    "supervisor.filings": "本期申报（活动期 {start} 至 {end}）：{filings} 份，活动 {activities} 个"
                          "（待审核 {pending}、已通过 {approved}、已驳回 {rejected}）",
    "supervisor.support.head": "支持资格（未驳回的活动，符合/申请）：",
    "supervisor.support.goods": "  文化品支持 {eligible}/{applied}，共 {items} 件",
    "supervisor.support.linkage": "  活动联动支持 {eligible}/{applied}（其中合办 {cohost}）",
    "supervisor.support.training": "  培训支持 {eligible}/{applied}（其中课程与讲师支持 {lecturer}）",
    "supervisor.support.other": "  重磅活动发布 {heavy} 个，设计大赛 {contest} 个",
    "supervisor.contest": "大赛 {month}（{state}）：本镇街 {mine}/{total} 个项目，有效票 {votes} 票",
    "supervisor.contest.line": "  第{rank}名 {number}号 {name} {votes}票",
    "supervisor.contest.more": "  ……另有 {n} 个项目",
    "supervisor.contest.none": "大赛：暂无进行中的展示",
    "supervisor.contest.state.voting": "投票中",
    "supervisor.contest.state.closed": "已截止",
    "supervisor.contest.state.announced": "已公布",
    "supervisor.unfiled": "未申报的组织（{n} 个）：{names}",
    "supervisor.unfiled.more": "{names} 等",
    "supervisor.unfiled.none": "本镇街的组织都已申报。",
    # operators' commands
    "supervisor.cli.unknown_town": "未知的镇街：{town}",
    "supervisor.cli.invited": "{town}督导专员的绑定码有效期至 {expires}，督导专员在公众号发送“绑定 {code}”即可。"
                              "同一督导专员负责多个镇街时，为每个镇街各发一个绑定码。",
    "supervisor.cli.line": "{town}\t{who}",
    "supervisor.cli.nobody": "（未安排）",
    "supervisor.cli.total": "共 {covered}/{towns} 个镇街已安排督导专员。",
}
