"""Sentences of `flask --app wsgi menu create` (operators read them)."""

TEXTS: dict[str, str] = {
    "menu.empty": "菜单为空：请在设置的 [[menu.button]] 中至少配置 1 个一级菜单。",
    "menu.too_many_top": "一级菜单有 {count} 个，微信最多允许 {limit} 个。",
    "menu.too_many_sub": "菜单“{button}”有 {count} 个子菜单，微信最多允许 {limit} 个。",
    "menu.name_missing": "{button}没有名称（name）。",
    "menu.name_too_long": "菜单“{button}”的名称有 {size} 字节，微信最多允许 {limit} 字节。",
    "menu.bad_type": "菜单“{button}”的类型“{type}”不受支持，可用：{allowed}。",
    "menu.key_missing": "菜单“{button}”是 {type} 类型，必须填写 key。",
    "menu.key_too_long": "菜单“{button}”的 key 有 {size} 字节，微信最多允许 {limit} 字节。",
    "menu.url_missing": "菜单“{button}”是 view 类型，必须填写 url。",
    "menu.url_too_long": "菜单“{button}”的 url 有 {size} 字节，微信最多允许 {limit} 字节。",
    "menu.position": "第 {top} 个一级菜单",
    "menu.position.sub": "第 {top} 个一级菜单的第 {sub} 个子菜单",
    "menu.installed": "菜单已安装：{top} 个一级菜单，{subs} 个子菜单。",
    "menu.unreachable": "无法连接微信接口（{message}），菜单未安装，请稍后重试。",
    "menu.api_error": "微信拒绝了菜单（错误码 {code}：{message}）。",
}
