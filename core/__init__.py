"""The bottom layer: settings types, the text catalog. Imports nothing of the bot's other packages."""
