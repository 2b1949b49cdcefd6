"""Sentences of going live: `followers sync`, the `check` preflight, the welcome (operators read most)."""

TEXTS: dict[str, str] = {
    "followers.progress": "同步关注者",
    "followers.resumed": "继续上次中断的同步：已完成 {pages} 页、{listed} 位关注者，从中断处接着同步。",
    "followers.done": "同步完成：新增 {created} 位，更新 {updated} 位，标记为已取消关注 {unfollowed} 位；"
                      "微信列出的关注者共 {listed} 位。",
    "followers.quota": "微信今天的接口调用额度已用完（错误码 45009），同步已暂停，已完成的 {listed} 位已保存。"
                       "请明天再运行 flask --app wsgi followers sync，会从中断处继续；"
                       "着急时可在公众平台“设置与开发 → 接口权限”查看额度或申请清零。",
    "followers.unreachable": "无法连接微信接口（{message}），同步已暂停，已完成的 {listed} 位已保存。"
                             "稍后重新运行本命令会从中断处继续。",
    "followers.api_error": "微信接口返回错误（错误码 {code}：{message}），同步已暂停，已完成的 {listed} 位已保存。"
                           "排除原因后重新运行本命令会从中断处继续。",
    "followers.bad_cursor": "上次同步的续传位置已失效。请运行 flask --app wsgi followers sync --restart 从头同步。",
    "followers.store_down": "无法连接 Redis（存放 access token 和同步锁），同步没有开始：请检查 [redis] url 后重试。",
    "followers.busy": "另一个 followers sync 正在运行，请等它结束后再试。",
    "wechat.credentials.40013": "AppID 不正确（错误码 40013）：请核对设置 [wechat] app_id 与公众平台"
                                "“设置与开发 → 基本配置”中的开发者ID(AppID)。",
    "wechat.credentials.40125": "AppSecret 不正确（错误码 40125）：请核对设置 [wechat] app_secret；"
                                "忘记时可在公众平台“基本配置”重置，重置后旧密钥立即失效。",
    "wechat.credentials.40164": "本服务器的 IP 不在公众平台的 IP 白名单中（错误码 40164）：请在"
                                "“设置与开发 → 基本配置 → IP白名单”中加入本服务器的出口 IP（{message}）。",
    "wechat.credentials.other": "微信拒绝了凭据（错误码 {code}：{message}）：请核对 [wechat] app_id 与 app_secret。",
    "check.pass": "通过",
    "check.fail": "失败",
    "check.line": "[{mark}] {label}：{detail}",
    "check.none": "无",
    "check.all_passed": "全部 {count} 项检查通过，可以上线。",
    "check.failed": "{failed} 项检查未通过（共 {count} 项），请按上面的提示处理后重新运行 flask --app wsgi check。",
    "check.settings": "设置",
    "check.settings.ok": "有效（{path}）。",
    "check.settings.missing": "{keys} 为空：请在 config.toml 中填写公众平台“设置与开发 → 基本配置”里的值。",
    "cli.database_not_ready": "{label}：{detail}",
    "check.database": "数据库",
    "check.database.ok": "可以连接，已迁移到最新版本 {head}。",
    "check.database.down": "无法连接（{error}）：请检查 [database] url（或环境变量 DATABASE_URL）以及数据库是否在运行。"
                           "",
    "check.database.behind": "表结构不是最新（当前 {current}，最新 {head}）：请运行 flask --app wsgi init-db。",
    "check.store": "Redis",
    "check.store.ok": "可以连接，maxmemory-policy 为 noeviction。",
    "check.store.memory": "使用进程内存储 memory://，只能单进程运行（gunicorn 多进程或多台服务器请改用 Redis）。",
    "check.store.down": "无法连接（{error}）：请检查 [redis] url（或环境变量 REDIS_URL）以及 Redis 是否在运行。",
    "check.store.evicts": "maxmemory-policy 为 {policy}：内存紧张时 Redis 会删除键，消息去重、用户锁和 access token "
                          "可能丢失，导致重复回复或反复刷新 token。请设置 maxmemory-policy noeviction"
                          "（redis.conf 或云服务的参数设置）。",
    "check.store.unknown": "读不到 maxmemory-policy：请确认其值为 noeviction（否则去重键、锁和 token 可能被清除）。",
    "check.wechat": "微信凭据",
    "check.wechat.ok": "AppID {app_id} 可以获取 access token。",
    "check.wechat.unstored": "AppID {app_id} 可以获取 access token（Redis 不可用，token 未保存）。",
    "check.wechat.unset": "未检查：[wechat] app_id 或 app_secret 为空，填写后再运行本检查（见“设置”一行）。",
    "check.wechat.down": "无法连接微信接口（{message}）：请检查本服务器能否访问 [wechat] api_base_url。",
    "check.templates": "模板消息",
    "check.templates.none": "设置中没有配置模板（template_id 都为空），不会发送模板消息。",
    "check.templates.no_token": "没有 access token，无法核对模板：请先解决上面的微信凭据问题。",
    "check.templates.api_error": "无法读取公众号的模板列表（错误码 {code}：{message}）：请确认公众号是已认证的服务号。",
    "check.templates.no_store": "Redis 不可用，无法取得 access token 核对模板：请先解决上面的 Redis 问题。",
    "check.template": "模板 {name}",
    "check.template.ok": "存在（{title}），字段 {fields} 齐全。",
    "check.template.missing": "公众号的模板列表中没有 {id}：请在公众平台“广告与服务 → 模板消息”中添加该模板，"
                              "或改正 [push.templates.{name}] template_id。",
    "check.template.fields": "模板没有字段 {missing}（模板的字段：{keys}）：请按模板内容改正 [push.templates.{name}] "
                             "fields。",
    "check.menu": "菜单",
    "check.menu.ok": "符合微信限制（{top} 个一级菜单，{subs} 个子菜单）。",
    "check.menu.bad": "{error}请改正设置中的 [[menu.button]]。",
    # WeChat transport failures: shown inside check, followers sync, menu create and push status.
    "wechat.transport.failed": "{error}，接口 {path}",
    "wechat.transport.not_json": "接口 {path} 返回的不是 JSON",
    "wechat.transport.unexpected": "接口 {path} 返回的内容格式不对",
    "wechat.token.wait_timeout": "等待其他进程刷新 access token 超时",
    "wechat.token.missing": "微信返回的结果中没有 access_token",
}
