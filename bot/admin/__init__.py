"""The admin endpoint (전산정보과): staff, role grants, link codes, reference lists, the audit log, and a
JSON API for the same, served by aiohttp in the bot's process or alone."""
