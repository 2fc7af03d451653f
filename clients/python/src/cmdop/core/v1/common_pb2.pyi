from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KIND_UNSPECIFIED: _ClassVar[Kind]
    KIND_REQUEST: _ClassVar[Kind]
    KIND_RESPONSE: _ClassVar[Kind]
    KIND_EVENT: _ClassVar[Kind]
    KIND_DONE: _ClassVar[Kind]
    KIND_ERROR: _ClassVar[Kind]
    KIND_CALLBACK: _ClassVar[Kind]
    KIND_ANSWER: _ClassVar[Kind]
    KIND_CANCEL: _ClassVar[Kind]
    KIND_PAGES: _ClassVar[Kind]
    KIND_NEXT: _ClassVar[Kind]
    KIND_COLLECT: _ClassVar[Kind]
KIND_UNSPECIFIED: Kind
KIND_REQUEST: Kind
KIND_RESPONSE: Kind
KIND_EVENT: Kind
KIND_DONE: Kind
KIND_ERROR: Kind
KIND_CALLBACK: Kind
KIND_ANSWER: Kind
KIND_CANCEL: Kind
KIND_PAGES: Kind
KIND_NEXT: Kind
KIND_COLLECT: Kind

class ErrorInfo(_message.Message):
    __slots__ = ("code", "message", "status", "request_id", "field", "retry_after_ms", "retryable")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    status: int
    request_id: str
    field: str
    retry_after_ms: int
    retryable: bool
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., status: _Optional[int] = ..., request_id: _Optional[str] = ..., field: _Optional[str] = ..., retry_after_ms: _Optional[int] = ..., retryable: bool = ...) -> None: ...

class OffsetPage(_message.Message):
    __slots__ = ("offset", "per_page")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    PER_PAGE_FIELD_NUMBER: _ClassVar[int]
    offset: int
    per_page: int
    def __init__(self, offset: _Optional[int] = ..., per_page: _Optional[int] = ...) -> None: ...

class Empty(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Collected(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class Hello(_message.Message):
    __slots__ = ("version", "idl_hash")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    IDL_HASH_FIELD_NUMBER: _ClassVar[int]
    version: str
    idl_hash: str
    def __init__(self, version: _Optional[str] = ..., idl_hash: _Optional[str] = ...) -> None: ...
