from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BotPlatform(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOT_PLATFORM_UNSPECIFIED: _ClassVar[BotPlatform]
    BOT_PLATFORM_TELEGRAM: _ClassVar[BotPlatform]
    BOT_PLATFORM_DISCORD: _ClassVar[BotPlatform]
    BOT_PLATFORM_SLACK: _ClassVar[BotPlatform]

class BotPermission(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOT_PERMISSION_UNSPECIFIED: _ClassVar[BotPermission]
    BOT_PERMISSION_NONE: _ClassVar[BotPermission]
    BOT_PERMISSION_READ: _ClassVar[BotPermission]
    BOT_PERMISSION_EXECUTE: _ClassVar[BotPermission]
    BOT_PERMISSION_FILES: _ClassVar[BotPermission]
    BOT_PERMISSION_ADMIN: _ClassVar[BotPermission]

class BotStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BOT_STATUS_UNSPECIFIED: _ClassVar[BotStatus]
    BOT_STATUS_PENDING: _ClassVar[BotStatus]
    BOT_STATUS_RUNNING: _ClassVar[BotStatus]
    BOT_STATUS_RECONNECTING: _ClassVar[BotStatus]
    BOT_STATUS_FAILED: _ClassVar[BotStatus]
    BOT_STATUS_STOPPED: _ClassVar[BotStatus]
BOT_PLATFORM_UNSPECIFIED: BotPlatform
BOT_PLATFORM_TELEGRAM: BotPlatform
BOT_PLATFORM_DISCORD: BotPlatform
BOT_PLATFORM_SLACK: BotPlatform
BOT_PERMISSION_UNSPECIFIED: BotPermission
BOT_PERMISSION_NONE: BotPermission
BOT_PERMISSION_READ: BotPermission
BOT_PERMISSION_EXECUTE: BotPermission
BOT_PERMISSION_FILES: BotPermission
BOT_PERMISSION_ADMIN: BotPermission
BOT_STATUS_UNSPECIFIED: BotStatus
BOT_STATUS_PENDING: BotStatus
BOT_STATUS_RUNNING: BotStatus
BOT_STATUS_RECONNECTING: BotStatus
BOT_STATUS_FAILED: BotStatus
BOT_STATUS_STOPPED: BotStatus

class Bot(_message.Message):
    __slots__ = ("id", "name", "platform", "machine_id", "allowed_users", "permission", "enabled", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    MACHINE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    platform: BotPlatform
    machine_id: str
    allowed_users: _containers.RepeatedScalarFieldContainer[str]
    permission: BotPermission
    enabled: bool
    created_at: str
    updated_at: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., platform: _Optional[_Union[BotPlatform, str]] = ..., machine_id: _Optional[str] = ..., allowed_users: _Optional[_Iterable[str]] = ..., permission: _Optional[_Union[BotPermission, str]] = ..., enabled: bool = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ...) -> None: ...

class BotListPage(_message.Message):
    __slots__ = ("count", "page", "pages", "page_size", "has_next", "has_previous", "next_page", "previous_page", "results")
    COUNT_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGES_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    HAS_NEXT_FIELD_NUMBER: _ClassVar[int]
    HAS_PREVIOUS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_PAGE_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    count: int
    page: int
    pages: int
    page_size: int
    has_next: bool
    has_previous: bool
    next_page: int
    previous_page: int
    results: _containers.RepeatedCompositeFieldContainer[Bot]
    def __init__(self, count: _Optional[int] = ..., page: _Optional[int] = ..., pages: _Optional[int] = ..., page_size: _Optional[int] = ..., has_next: bool = ..., has_previous: bool = ..., next_page: _Optional[int] = ..., previous_page: _Optional[int] = ..., results: _Optional[_Iterable[_Union[Bot, _Mapping]]] = ...) -> None: ...

class BotMessageReceived(_message.Message):
    __slots__ = ("chat_id", "user_id", "message_id", "text")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    user_id: str
    message_id: str
    text: str
    def __init__(self, chat_id: _Optional[str] = ..., user_id: _Optional[str] = ..., message_id: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class BotRefused(_message.Message):
    __slots__ = ("chat_id", "user_id", "reason")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    user_id: str
    reason: str
    def __init__(self, chat_id: _Optional[str] = ..., user_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class BotAskStarted(_message.Message):
    __slots__ = ("chat_id", "user_id", "session_id", "prompt")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    user_id: str
    session_id: str
    prompt: str
    def __init__(self, chat_id: _Optional[str] = ..., user_id: _Optional[str] = ..., session_id: _Optional[str] = ..., prompt: _Optional[str] = ...) -> None: ...

class BotReplySent(_message.Message):
    __slots__ = ("chat_id", "message_ids", "success", "text_length")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_IDS_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    TEXT_LENGTH_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    message_ids: _containers.RepeatedScalarFieldContainer[str]
    success: bool
    text_length: int
    def __init__(self, chat_id: _Optional[str] = ..., message_ids: _Optional[_Iterable[str]] = ..., success: bool = ..., text_length: _Optional[int] = ...) -> None: ...

class BotConfirmAsked(_message.Message):
    __slots__ = ("chat_id", "user_id", "plan", "danger_level", "offered")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    DANGER_LEVEL_FIELD_NUMBER: _ClassVar[int]
    OFFERED_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    user_id: str
    plan: str
    danger_level: str
    offered: bool
    def __init__(self, chat_id: _Optional[str] = ..., user_id: _Optional[str] = ..., plan: _Optional[str] = ..., danger_level: _Optional[str] = ..., offered: bool = ...) -> None: ...

class BotPinAsked(_message.Message):
    __slots__ = ("chat_id", "user_id", "label")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    user_id: str
    label: str
    def __init__(self, chat_id: _Optional[str] = ..., user_id: _Optional[str] = ..., label: _Optional[str] = ...) -> None: ...

class BotError(_message.Message):
    __slots__ = ("chat_id", "code", "message")
    CHAT_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    chat_id: str
    code: str
    message: str
    def __init__(self, chat_id: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class BotEventUnknown(_message.Message):
    __slots__ = ("type", "raw_json")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    RAW_JSON_FIELD_NUMBER: _ClassVar[int]
    type: str
    raw_json: str
    def __init__(self, type: _Optional[str] = ..., raw_json: _Optional[str] = ...) -> None: ...

class BotEvent(_message.Message):
    __slots__ = ("message_received", "refused", "ask_started", "reply_sent", "confirm_asked", "pin_asked", "error", "unknown")
    MESSAGE_RECEIVED_FIELD_NUMBER: _ClassVar[int]
    REFUSED_FIELD_NUMBER: _ClassVar[int]
    ASK_STARTED_FIELD_NUMBER: _ClassVar[int]
    REPLY_SENT_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_ASKED_FIELD_NUMBER: _ClassVar[int]
    PIN_ASKED_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    UNKNOWN_FIELD_NUMBER: _ClassVar[int]
    message_received: BotMessageReceived
    refused: BotRefused
    ask_started: BotAskStarted
    reply_sent: BotReplySent
    confirm_asked: BotConfirmAsked
    pin_asked: BotPinAsked
    error: BotError
    unknown: BotEventUnknown
    def __init__(self, message_received: _Optional[_Union[BotMessageReceived, _Mapping]] = ..., refused: _Optional[_Union[BotRefused, _Mapping]] = ..., ask_started: _Optional[_Union[BotAskStarted, _Mapping]] = ..., reply_sent: _Optional[_Union[BotReplySent, _Mapping]] = ..., confirm_asked: _Optional[_Union[BotConfirmAsked, _Mapping]] = ..., pin_asked: _Optional[_Union[BotPinAsked, _Mapping]] = ..., error: _Optional[_Union[BotError, _Mapping]] = ..., unknown: _Optional[_Union[BotEventUnknown, _Mapping]] = ...) -> None: ...

class BotsListRequest(_message.Message):
    __slots__ = ("platform", "search", "page", "page_size")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    SEARCH_FIELD_NUMBER: _ClassVar[int]
    PAGE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    platform: BotPlatform
    search: str
    page: int
    page_size: int
    def __init__(self, platform: _Optional[_Union[BotPlatform, str]] = ..., search: _Optional[str] = ..., page: _Optional[int] = ..., page_size: _Optional[int] = ...) -> None: ...

class BotsGetRequest(_message.Message):
    __slots__ = ("bot_id",)
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    bot_id: str
    def __init__(self, bot_id: _Optional[str] = ...) -> None: ...

class BotsCreateRequest(_message.Message):
    __slots__ = ("name", "platform", "machine_id", "allowed_users", "permission", "enabled", "allowed_users_present")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    MACHINE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_PRESENT_FIELD_NUMBER: _ClassVar[int]
    name: str
    platform: BotPlatform
    machine_id: str
    allowed_users: _containers.RepeatedScalarFieldContainer[str]
    permission: BotPermission
    enabled: bool
    allowed_users_present: bool
    def __init__(self, name: _Optional[str] = ..., platform: _Optional[_Union[BotPlatform, str]] = ..., machine_id: _Optional[str] = ..., allowed_users: _Optional[_Iterable[str]] = ..., permission: _Optional[_Union[BotPermission, str]] = ..., enabled: bool = ..., allowed_users_present: bool = ...) -> None: ...

class BotsUpdateRequest(_message.Message):
    __slots__ = ("bot_id", "name", "machine_id", "allowed_users", "permission", "enabled", "allowed_users_present")
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MACHINE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_PRESENT_FIELD_NUMBER: _ClassVar[int]
    bot_id: str
    name: str
    machine_id: str
    allowed_users: _containers.RepeatedScalarFieldContainer[str]
    permission: BotPermission
    enabled: bool
    allowed_users_present: bool
    def __init__(self, bot_id: _Optional[str] = ..., name: _Optional[str] = ..., machine_id: _Optional[str] = ..., allowed_users: _Optional[_Iterable[str]] = ..., permission: _Optional[_Union[BotPermission, str]] = ..., enabled: bool = ..., allowed_users_present: bool = ...) -> None: ...

class BotsDeleteRequest(_message.Message):
    __slots__ = ("bot_id",)
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    bot_id: str
    def __init__(self, bot_id: _Optional[str] = ...) -> None: ...

class BotsRunRequest(_message.Message):
    __slots__ = ("platform", "token", "guild_id", "bot_token", "app_token", "machine_id", "bot_id", "allowed_users", "admin_users", "permission", "api_base_url", "drop_pending", "edit_interval_ms", "allowed_users_present", "admin_users_present")
    PLATFORM_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    GUILD_ID_FIELD_NUMBER: _ClassVar[int]
    BOT_TOKEN_FIELD_NUMBER: _ClassVar[int]
    APP_TOKEN_FIELD_NUMBER: _ClassVar[int]
    MACHINE_ID_FIELD_NUMBER: _ClassVar[int]
    BOT_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_FIELD_NUMBER: _ClassVar[int]
    ADMIN_USERS_FIELD_NUMBER: _ClassVar[int]
    PERMISSION_FIELD_NUMBER: _ClassVar[int]
    API_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    DROP_PENDING_FIELD_NUMBER: _ClassVar[int]
    EDIT_INTERVAL_MS_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_USERS_PRESENT_FIELD_NUMBER: _ClassVar[int]
    ADMIN_USERS_PRESENT_FIELD_NUMBER: _ClassVar[int]
    platform: BotPlatform
    token: str
    guild_id: str
    bot_token: str
    app_token: str
    machine_id: str
    bot_id: str
    allowed_users: _containers.RepeatedScalarFieldContainer[str]
    admin_users: _containers.RepeatedScalarFieldContainer[str]
    permission: BotPermission
    api_base_url: str
    drop_pending: bool
    edit_interval_ms: int
    allowed_users_present: bool
    admin_users_present: bool
    def __init__(self, platform: _Optional[_Union[BotPlatform, str]] = ..., token: _Optional[str] = ..., guild_id: _Optional[str] = ..., bot_token: _Optional[str] = ..., app_token: _Optional[str] = ..., machine_id: _Optional[str] = ..., bot_id: _Optional[str] = ..., allowed_users: _Optional[_Iterable[str]] = ..., admin_users: _Optional[_Iterable[str]] = ..., permission: _Optional[_Union[BotPermission, str]] = ..., api_base_url: _Optional[str] = ..., drop_pending: bool = ..., edit_interval_ms: _Optional[int] = ..., allowed_users_present: bool = ..., admin_users_present: bool = ...) -> None: ...

class RunningBotState(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: BotStatus
    def __init__(self, status: _Optional[_Union[BotStatus, str]] = ...) -> None: ...

class RunningBotStopRequest(_message.Message):
    __slots__ = ("handle",)
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    handle: int
    def __init__(self, handle: _Optional[int] = ...) -> None: ...
