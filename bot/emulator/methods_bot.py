"""Bot API methods about the bot itself: identity, updates, webhook, commands and profile texts."""

from __future__ import annotations

import re
from typing import Any

from .errors import WEBHOOK_CONFLICT, ApiError, bad_request
from .methods_messages import Handler
from .params import Params
from .world import World

_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
_SCOPES_WITH_CHAT = frozenset({"chat", "chat_administrators", "chat_member"})
_SCOPES = frozenset({"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}) | _SCOPES_WITH_CHAT
# (method suffix, parameter, Telegram's length limit)
_PROFILE_TEXTS = {
    "Description": ("description", 512),
    "ShortDescription": ("short_description", 120),
    "Name": ("name", 64),
}


def _number(p: Params, name: str, default: float) -> float:
    value = p.values.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError) as err:
        raise bad_request(f"invalid {name} specified") from err


async def get_me(world: World, p: Params) -> Any:
    return {
        **world.bot.to_dict(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(world: World, p: Params) -> Any:
    if world.webhook.get("url"):
        raise ApiError(409, WEBHOOK_CONFLICT)
    world.updates.set_allowed(p.obj("allowed_updates"))
    offset = int(_number(p, "offset", 0))
    limit = int(_number(p, "limit", 100))
    return await world.updates.get(offset, limit, _number(p, "timeout", 0))


async def set_webhook(world: World, p: Params) -> Any:
    url = p.text("url") or ""
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token") or ""
    if secret and not _SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    world.updates.set_allowed(p.obj("allowed_updates"))
    world.set_webhook(url, secret, p.integer("max_connections", 40) or 40)
    return True


async def delete_webhook(world: World, p: Params) -> Any:
    if p.flag("drop_pending_updates"):
        world.updates.drop_all()
    world.set_webhook("", "", 0)
    return True


async def get_webhook_info(world: World, p: Params) -> Any:
    info: dict[str, Any] = {
        "url": world.webhook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": world.updates.pending_count,
    }
    if world.webhook:
        info["max_connections"] = world.webhook["max_connections"]
        info["allowed_updates"] = sorted(world.updates.allowed_updates)
        for key in ("last_error_date", "last_error_message"):
            if key in world.webhook:
                info[key] = world.webhook[key]
    return info


def scope_key(scope: Any) -> str:
    """ "default", or the scope type with its chat/user ids: "chat:42", "chat_member:42:7"."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = str(scope["type"])
    if kind not in _SCOPES_WITH_CHAT:
        return kind
    if not isinstance(scope.get("chat_id"), int):
        raise bad_request("chat not found")
    if kind == "chat_member":
        if not isinstance(scope.get("user_id"), int):
            raise bad_request("user not found")
        return f"chat_member:{scope['chat_id']}:{scope['user_id']}"
    return f"{kind}:{scope['chat_id']}"


def _language(p: Params) -> str:
    language = p.text("language_code") or ""
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("LANG_CODE_INVALID")
    return language


def _validate_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    result: list[dict[str, str]] = []
    for entry in commands:
        command, description = entry.get("command"), entry.get("description")
        if not isinstance(command, str) or not _COMMAND_NAME.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        result.append({"command": command, "description": description})
    return result


async def set_my_commands(world: World, p: Params) -> Any:
    commands = _validate_commands(p.obj("commands"))
    key = (scope_key(p.obj("scope")), _language(p))
    if commands:
        world.commands[key] = commands
    else:
        world.commands.pop(key, None)
    return True


async def get_my_commands(world: World, p: Params) -> Any:
    return world.commands.get((scope_key(p.obj("scope")), _language(p)), [])


async def delete_my_commands(world: World, p: Params) -> Any:
    world.commands.pop((scope_key(p.obj("scope")), _language(p)), None)
    return True


def _profile_text(suffix: str) -> tuple[Handler, Handler]:
    field, limit = _PROFILE_TEXTS[suffix]

    async def set_text(world: World, p: Params) -> Any:
        value = p.text(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        key = (field, _language(p))
        if value:
            world.profile_texts[key] = value
        else:
            world.profile_texts.pop(key, None)
        return True

    async def get_text(world: World, p: Params) -> Any:
        language = _language(p)
        # Like Telegram, a language without its own text falls back to the default one.
        text = world.profile_texts.get((field, language)) or world.profile_texts.get((field, ""), "")
        if field == "name" and not text:
            text = world.bot.first_name
        return {field: text}

    return set_text, get_text


async def _true(world: World, p: Params) -> Any:
    return True


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "close": _true,
    "logOut": _true,
}
for _suffix in _PROFILE_TEXTS:
    METHODS[f"setMy{_suffix}"], METHODS[f"getMy{_suffix}"] = _profile_text(_suffix)
