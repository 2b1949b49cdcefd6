"""Sentences of the platform itself: welcome, help, binding, errors."""

TEXTS: dict[str, str] = {
    "welcome": "欢迎关注东莞“青年之声”！\n{help}",
    "help.header": "您可以发送以下文字：",
    "help.youth": "【项目】本月重磅项目展示\n【投票 N】为第 N 号项目点赞\n【排行】点赞排行榜\n"
                  "【规则】点赞规则\n【订阅结果】评选结果公布时通知我\n【专家榜】本季度优秀专家\n"
                  "【活动】可报名的活动\n【报名 N】报名活动\n【我的活动】我的报名与签到",
    "help.org_admin": "【申报】填写激励计划申请意向表\n【我的申报】查看申报与审核状态\n"
                      "【发布 N 名额】开放已通过活动的报名",
    "help.expert": "【我的排名】本月评估结果与季度排名",
    "help.supervisor": "【督导】查看所督导镇街的平台数据",
    "help.platform_admin": "【审核】查看待审核的活动\n【审核 N】查看活动 N 的全部内容与审核记录\n"
                           "【通过 N】/【驳回 N 理由】审核编号为 N 的活动\n【改为通过 N】/【改为驳回 N 理由】改变已有的审核结果\n"
                           "【隐藏评论 N】隐藏活动的不当评论",
    "help.bind": "【绑定 绑定码】组织管理员、专家或督导专员绑定身份",
    "help.footer": "也可以使用下方菜单。",
    "bind.usage": "请发送“绑定”加上绑定码，例如：绑定 ABCD2345",
    "bind.ok": "绑定成功！您已成为“{name}”的{role}。\n{help}",
    "bind.invalid": "绑定码无效、已使用或已过期，请核对后重试（还可尝试 {left} 次），或联系团市委宣传部重新获取。",
    "bind.locked": "绑定码错误次数过多，请一小时后再试。",
    "bind.role.org": "管理员",
    "bind.role.expert": "专家",
    "bind.role.supervisor": "督导专员",
    "cancel.nothing": "当前没有进行中的操作。发送“帮助”查看可用功能。",
    "unknown.text": "抱歉，没有理解“{text}”。\n{help}",
    "unsupported.type": "暂时只能处理文字消息和菜单点击。\n{help}",
    "cli.error": "错误：{message}",
    "cli.init_db.ready": "数据库已就绪：{dialect}",
    "cli.inbox.drained": "已处理暂存消息 {n} 条。",
    "cli.scheduler.started": "定时任务已启动：{n} 个任务（Ctrl+C 停止）",
    "cli.scheduler.stopped": "定时任务已停止",
    "cli.scheduler.ran": "已运行：{jobs}",
    "cli.scheduler.ran_none": "已运行：无到期任务",
    "cli.os.missing": "该位置不存在或不能新建文件",
    "cli.os.denied": "没有写入权限",
    "cli.os.read_only": "该位置是只读的",
    "cli.os.full": "磁盘空间已满",
    "cli.os.is_dir": "这是一个文件夹，请写出文件名",
    "cli.os.not_dir": "路径中有一段是文件而不是文件夹",
    "cli.os.other": "系统错误 {error}（{errno}）",
    "cli.bad_month": "月份格式应为 YYYY-MM，例如 {example}：{month}",
    "error.generic": "系统开小差了，请稍后再试。您的操作没有被记录，可以重新发送。",
    "error.busy": "系统繁忙，请稍后再试。您的操作没有被记录，可以重新发送。",
    "error.slow": "您的上一条消息还在处理中，请稍候。",
}
