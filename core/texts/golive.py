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
    "followers.busy": "另一个 followers sync 正在运行，请等它结束后再试。",
    "wechat.credentials.40013": "AppID 不正确（错误码 40013）：请核对设置 [wechat] app_id 与公众平台"
                                "“设置与开发 → 基本配置”中的开发者ID(AppID)。",
    "wechat.credentials.40125": "AppSecret 不正确（错误码 40125）：请核对设置 [wechat] app_secret；"
                                "忘记时可在公众平台“基本配置”重置，重置后旧密钥立即失效。",
    "wechat.credentials.40164": "本服务器的 IP 不在公众平台的 IP 白名单中（错误码 40164）：请在"
                                "“设置与开发 → 基本配置 → IP白名单”中加入本服务器的出口 IP（{message}）。",
    "wechat.credentials.other": "微信拒绝了凭据（错误码 {code}：{message}）：请核对 [wechat] app_id 与 app_secret。",
}
