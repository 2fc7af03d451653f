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
