"""Sentences of the monthly design contest: showcase, votes, leaderboard, rules."""

TEXTS: dict[str, str] = {
    # showcase
    "contest.none": "本月的重磅项目展示还没有开始，敬请期待。",
    "contest.list.header": "{month} 活动设计大赛 · 重磅项目展示（第 {page}/{pages} 页）：",
    "contest.list.line": "{number}. {name}（{town}·{org}）",
    "contest.list.footer": "发送“项目 N”看详情，“投票 N”为它点赞。",
    "contest.list.next": "发送“项目 {next}页”看下一页。",
    "contest.list.no_page": "没有第 {page} 页，项目列表共 {pages} 页。",
    "contest.list.usage": "发送“项目”查看本月项目，“项目 N”看第 N 号项目，“项目 2页”翻页。",
    "contest.detail": "{number}号 {name}\n主办：{org}（{town}）\n时间：{time}\n地点：{location}\n"
                      "当前 {votes} 票，排名第 {rank}。\n发送“投票 {number}”为它点赞。\n简介：{description}",
    # voting
    "contest.vote.ok": "点赞成功！您为 {number}号“{name}”投出一票。\n该项目现有 {votes} 票，排名第 {rank}。\n"
                       "{position}\n{left}",
    "contest.vote.gap": "距上一名还差 {gap} 票。",
    "contest.vote.lead": "暂列第一，领先第二名 {lead} 票。",
    "contest.vote.alone": "暂列第一。",
    "contest.vote.left": "您今天还可以投 {left} 票。",
    "contest.vote.none_left": "您今天的票已经投完，明天再来吧。",
    "contest.vote.usage": "请发送“投票”加项目编号，例如：投票 3（也可以发送“点赞 3”）。发送“项目”查看编号。",
    "contest.refuse.no_round": "本月的重磅项目展示还没有开始，暂时不能投票，敬请期待。",
    "contest.refuse.not_open": "投票将于 {opens} 开始，届时再来点赞吧。发送“项目”先看看入围项目。",
    "contest.refuse.ended": "{month} 的投票已经结束，感谢参与！发送“排行”查看结果。",
    "contest.refuse.no_such_entry": "没有第 {number} 号项目，本期共 {count} 个项目。发送“项目”查看列表。",
    "contest.refuse.not_follower": "只有关注本公众号的用户才能投票，关注后再来点赞吧。",
    "contest.refuse.blacklisted": "您的投票资格已被暂停。如有疑问，请联系团市委宣传部。",
    "contest.refuse.rate_limited": "投票太快了，请 {wait} 秒后再试。",
    "contest.refuse.day_quota": "您今天的 {per_day} 票已经投完，明天再来吧。",
    "contest.refuse.entry_day": "您今天已经为这个项目投过票了（每个项目每天 {per_entry_per_day} 票），"
                                "明天可以再投，也可以支持其他项目。",
    "contest.refuse.entry_round": "本期每人最多为同一项目投 {per_entry_per_round} 票，您已投满，去支持其他项目吧。",
    # leaderboard
    "contest.rank.header": "{month} 点赞排行（截至 {time}）：",
    "contest.rank.line": "{rank}. {number}号 {name} {votes}票",
    "contest.rank.footer": "发送“投票 N”为项目点赞，“规则”查看投票规则。",
    "contest.final.header": "{month} 活动设计大赛最终结果（★ 为入选的 {winners} 个优秀项目）：",
    "contest.final.line": "{star}{rank}. {number}号 {name} {votes}票",
    "contest.final.line_score": "{star}{rank}. {number}号 {name} {votes}票 综合{score}",
    "contest.final.digest": "计票文件 SHA-256：{digest}",
    # rules
    "contest.rules.header": "{month} 活动设计大赛点赞规则：",
    "contest.rules.window": "· 投票时间：{opens} 至 {closes}（北京时间）",
    "contest.rules.quota": "· 每人每天可投 {per_day} 票，同一项目每天最多 {per_entry_day} 票",
    "contest.rules.round_cap": "· 本期每人为同一项目最多投 {cap} 票",
    "contest.rules.followers": "· 仅关注本公众号的用户可以投票",
    "contest.rules.rate": "· 两次投票至少间隔 {seconds} 秒",
    "contest.rules.unsubscribe": "· 投票后 {hours} 小时内取消关注的，所投票数作废",
    "contest.rules.fraud": "· 短时间异常集中的投票会被标记并人工核查，违规票数公开作废",
    "contest.rules.by_votes": "· 评选：按有效票数排名，前 {winners} 名入选优秀项目",
    "contest.rules.weighted": "· 评选：综合得分 = 评委评分×{judges}% + 票数得分×{votes}%（票数得分 = 票数÷最高票数×100），"
                              "前 {winners} 名入选",
    "contest.rules.ties": "· 名次相同时依次比较：评委评分、有效票数、先达到最终票数者；仍相同则一并入选",
    "contest.rules.digest": "· 最终计票文件 SHA-256：{digest}",
    "contest.rules.closed": "（本期投票已结束）",
    "contest.burst.alert": "【大赛异常提醒】{month} 第 {number} 号“{name}”{minutes} 分钟内获得 {recent} 票，"
                           "远高于其平常速度，已标记待核查（票数未作废）。",
    "contest.void.unsubscribe": "投票后 {hours} 小时内取消关注",
    "contest.judge.not_voting": "{month} 不在投票阶段，不能导入评委评分",
    "contest.judge.bad_number": "编号应为入围项目的编号（正整数），实际为“{value}”",
    "contest.judge.unknown": "没有编号为 {number} 的入围项目",
    "contest.judge.repeated": "编号 {number} 与第 {first} 行重复",
    "contest.judge.bad_score": "评委得分应为 {min} 到 {max} 的数，实际为“{value}”",
    "contest.judge.done": "{month} 已导入 {count} 个项目的评委评分（权重 {weight}）",
    "contest.close.not_open": "{month} 的投票还没有开始（{opens} 开始，{closes} 结束），现在结束会以 0 票定出入选项目。"
                              "请在投票结束后再结束本期；确需提前结束请加 --force。",
    "contest.close.still_open": "{month} 的投票还在进行中，{closes} 才结束，现在结束会提前定出入选项目。"
                                "请在投票结束后再结束本期；确需提前结束请加 --force。",
    "contest.void.closed": "{month} 已结束计票（票数已冻结并公布校验值），不能再作废选票。",
    "contest.void.not_open": "{month} 还没有开始投票，没有可作废的选票。",
    "contest.shortlist.first_only": "请同时给出 --first 和 --last（投票开始日和截止日），或两者都不给（按设置的默认时间）。",
    "contest.shortlist.window_reversed": "投票截止日 --last {last} 早于开始日 --first {first}，请检查日期。",
    "contest.rank.next": "发送“排行 {next}页”看下一页。",
    "contest.rank.page": "（第 {page}/{pages} 页）",
    "contest.rank.no_page": "没有第 {page} 页，排行榜共 {pages} 页。",
}
