"""The 青年之声 WeChat official-account bot: `bot.app.create_app` builds it."""
