"""The JSON API described in OpenAPI 3.1, served at /api/v1/openapi.json.

Written by hand; only its lists (statuses, languages, the number's symbols) come
from the code that defines them. The tests check that it is valid OpenAPI and
that every API answer the test suite receives fits it (tests/conftest.py).
"""

import json

from kiosk.domain import tracking, workflow
from kiosk.web.i18n import LOCALES

SYMBOL = f"[{tracking.ALPHABET}]"
EXAMPLE_NUMBER = "7KQ4M2XPR"


def _ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def _error(description, status, codes, headers=None):
    """An error answer: the Error object, with this status and these codes."""
    schema = {
        **_ref("schemas", "Error"),
        "properties": {
            "error": {
                "properties": {"code": {"enum": codes}, "status": {"const": status}}
            }
        },
    }
    answer = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        answer["headers"] = headers
    return answer


# What the rate limiter adds to every lookup's answer (a registered kiosk or the
# office network is not limited, so none of them is required).
RATE_HEADERS = {
    "X-RateLimit-Limit": _ref("headers", "RateLimitLimit"),
    "X-RateLimit-Remaining": _ref("headers", "RateLimitRemaining"),
    "X-RateLimit-Reset": _ref("headers", "RateLimitReset"),
}

VALIDATOR_HEADERS = {
    "ETag": _ref("headers", "ETag"),
    "Last-Modified": _ref("headers", "LastModified"),
    "Cache-Control": _ref("headers", "CacheControl"),
}

TRACK = {
    "summary": "Where a request stands",
    "description": (
        "What the tracking page shows, as JSON: the status in plain words with "
        "what to do next, the history with the office's public notes, the "
        "expected date while the document is awaited, and the office's address "
        "and hours when the resident must come or act. Lookups count against "
        "one budget per client, shared with the tracking pages. Each answer has "
        "an ETag: send it back in If-None-Match and an unchanged answer comes "
        "as 304 without a body (it still counts as a lookup)."
    ),
    "operationId": "track",
    "parameters": [
        {
            "name": "number",
            "in": "path",
            "required": True,
            "description": (
                "The tracking number as the resident has it: case, spaces and "
                "hyphens do not matter, and look-alike letters count as the "
                "symbol meant (O as 0, I and L as 1, Z as 2, U as V). Written "
                f"canonically it is {tracking.LENGTH} symbols from "
                f"{tracking.ALPHABET}; the last is a check symbol that catches "
                "one mistyped symbol or two swapped ones."
            ),
            "schema": {"type": "string"},
            "example": "7kq-4m2-xpr",
        },
        {
            "name": "lang",
            "in": "query",
            "description": (
                "The language of the answer's words: id (Indonesian) or en "
                "(English). It wins over Accept-Language; other values are ignored."
            ),
            "schema": {"type": "string", "enum": list(LOCALES)},
        },
        {
            "name": "Accept-Language",
            "in": "header",
            "description": (
                "Used when there is no lang; Indonesian when it names neither "
                "language. The API sets and reads no language cookie."
            ),
            "schema": {"type": "string"},
            "example": "en-GB,en;q=0.8",
        },
        {
            "name": "If-None-Match",
            "in": "header",
            "description": "The ETag of the answer the client already has.",
            "schema": {"type": "string"},
        },
    ],
    "responses": {
        "200": {
            "description": "The request's public record.",
            "headers": RATE_HEADERS | VALIDATOR_HEADERS,
            "content": {"application/json": {"schema": _ref("schemas", "Tracking")}},
        },
        "304": {
            "description": "The answer whose ETag was sent is still the current one.",
            "headers": RATE_HEADERS | VALIDATOR_HEADERS,
        },
        "400": _ref("responses", "BadNumber"),
        "404": _ref("responses", "NotFound"),
        "405": _ref("responses", "MethodNotAllowed"),
        "413": _ref("responses", "TooLarge"),
        "429": _ref("responses", "TooManyLookups"),
        "500": _ref("responses", "ServerError"),
    },
}

DESCRIBE = {
    "summary": "This document",
    "description": "The API described in OpenAPI 3.1. It changes only with a release.",
    "operationId": "openapi",
    "responses": {
        "200": {
            "description": "The OpenAPI document.",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["openapi", "info", "paths"],
                        "properties": {"openapi": {"const": "3.1.0"}},
                    }
                }
            },
        },
        "400": _ref("responses", "BadRequest"),
        "405": _ref("responses", "MethodNotAllowed"),
        "413": _ref("responses", "TooLarge"),
        "500": _ref("responses", "ServerError"),
    },
}


def _query(name, description, pattern=None, enum=None, example=None):
    schema = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    if enum:
        schema["enum"] = enum
    parameter = {"name": name, "in": "query", "description": description}
    parameter["schema"] = schema
    if example:
        parameter["example"] = example
    return parameter


STATS = {
    "summary": "Service statistics of a period",
    "description": (
        "What the statistics page shows, as JSON: requests received, documents "
        "ready, collected and rejected, the share ready by the promised date and "
        "the median and 90th percentile of working days to ready, for all "
        "documents and by document, kecamatan and channel; where the requests "
        "received stand now; and a month-by-month trend. Days are the office's "
        'days. A count from 1 to 4 is given as the string "<5", and times and '
        "shares worked out from fewer than 5 documents are null, so that no "
        "resident can be recognised. Without a period: the last 12 months."
    ),
    "operationId": "statistics",
    "parameters": [
        _query(
            "period",
            "Which kind of period.",
            enum=["month", "quarter", "year", "range"],
        ),
        _query(
            "month", "With period=month.", r"^[0-9]{4}-[0-9]{2}$", example="2026-02"
        ),
        _query(
            "quarter", "With period=quarter.", r"^[0-9]{4}-Q[1-4]$", example="2026-Q1"
        ),
        _query("year", "With period=year.", r"^[0-9]{4}$", example="2026"),
        _query("from", "With period=range: the first day.", example="2026-01-01"),
        _query("to", "With period=range: the last day.", example="2026-02-15"),
        _query("lang", "The language of titles and labels.", enum=list(LOCALES)),
    ],
    "responses": {
        "200": {
            "description": "The figures of the period.",
            "content": {"application/json": {"schema": _ref("schemas", "Statistics")}},
        },
        "400": _ref("responses", "BadRequest"),
        "405": _ref("responses", "MethodNotAllowed"),
        "413": _ref("responses", "TooLarge"),
        "500": _ref("responses", "ServerError"),
    },
}

# A count, or "<5" when it is small enough to point at one resident.
COUNT = {"oneOf": [{"type": "integer", "minimum": 0}, {"const": "<5"}]}
TIMING = {"type": ["number", "null"], "minimum": 0}

WORDS = {"type": "string", "minLength": 1}

SCHEMAS = {
    "Tracking": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "number",
            "display_number",
            "document_type",
            "status",
            "timeline",
            "expected_date",
            "office",
            "still_needed",
            "created_at",
            "language",
        ],
        "properties": {
            "number": {
                "description": "The canonical tracking number.",
                "type": "string",
                "pattern": f"^{SYMBOL}{{{tracking.LENGTH}}}$",
                "examples": [EXAMPLE_NUMBER],
            },
            "display_number": {
                "description": "The number as the receipt prints it.",
                "type": "string",
                "pattern": f"^{SYMBOL}{{3}}-{SYMBOL}{{3}}-{SYMBOL}{{3}}$",
                "examples": [tracking.display(EXAMPLE_NUMBER)],
            },
            "document_type": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "name"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]{1,15}$"},
                    "name": WORDS,
                },
                "examples": [{"code": "KK", "name": "Family Card (KK)"}],
            },
            "status": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "label", "explanation", "next_step"],
                "properties": {
                    "code": _ref("schemas", "StatusCode"),
                    "label": WORDS,
                    "explanation": WORDS,
                    "next_step": {
                        **WORDS,
                        "description": "What the resident does now.",
                    },
                },
            },
            "timeline": {
                "description": "Every status the request has had, oldest first.",
                "type": "array",
                "items": _ref("schemas", "Event"),
            },
            "expected_date": {
                "description": (
                    "When the document should be ready, in the office's calendar; "
                    "null once it is ready or the request has ended."
                ),
                "type": ["string", "null"],
                "format": "date",
            },
            "office": {
                "description": (
                    "Where and when to come: only when the document is ready or "
                    "the office needs something from the resident, else null."
                ),
                "oneOf": [_ref("schemas", "Office"), {"type": "null"}],
            },
            "still_needed": {
                "description": (
                    "The requirements of the document type (in the answer's "
                    "language) that the office has not received yet, while the "
                    "document is awaited; empty when nothing is missing, once "
                    "it is ready or when the request has ended."
                ),
                "type": "array",
                "items": WORDS,
                "examples": [["Surat pengantar dari wali nagari"]],
            },
            "created_at": _ref("schemas", "Time"),
            "language": {"type": "string", "enum": list(LOCALES)},
        },
    },
    "Statistics": {
        "type": "object",
        "additionalProperties": False,
        "required": ["period", "suppressed_below", "tables", "language"],
        "properties": {
            "period": {
                "type": "object",
                "additionalProperties": False,
                "required": ["kind", "from", "to"],
                "properties": {
                    "kind": {"enum": ["month", "quarter", "year", "range"]},
                    "from": {"type": "string", "format": "date"},
                    "to": {
                        "description": "The last day counted (today at the latest).",
                        "type": "string",
                        "format": "date",
                    },
                },
            },
            "suppressed_below": {"const": 5},
            "tables": {
                "description": (
                    "summary, type, kecamatan, channel, outcome and trend, in "
                    "this order."
                ),
                "type": "array",
                "items": _ref("schemas", "StatisticsTable"),
            },
            "language": {"type": "string", "enum": list(LOCALES)},
        },
    },
    "StatisticsTable": {
        "type": "object",
        "additionalProperties": False,
        "required": ["key", "title", "rows"],
        "properties": {
            "key": {
                "enum": ["summary", "type", "kecamatan", "channel", "outcome", "trend"]
            },
            "title": WORDS,
            "rows": {"type": "array", "items": _ref("schemas", "StatisticsRow")},
        },
    },
    "StatisticsRow": {
        "description": (
            "One line of a table: a document code, kecamatan, channel, status or "
            "month (YYYY-MM) in code. Counts: received in the period; ready, "
            "completed (collected) and rejected in the period. on_time is a "
            "percentage, median and p90 working days. outcome rows hold requests."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "label"],
        "properties": {
            "code": {"type": "string"},
            "label": {"type": "string"},
            "partial": {
                "description": "A month not wholly counted (still running).",
                "const": True,
            },
            "received": COUNT,
            "ready": COUNT,
            "completed": COUNT,
            "rejected": COUNT,
            "requests": COUNT,
            "on_time": TIMING,
            "median": TIMING,
            "p90": TIMING,
        },
    },
    "StatusCode": {"type": "string", "enum": list(workflow.STATUSES)},
    "Event": {
        "type": "object",
        "additionalProperties": False,
        "required": ["status", "label", "note", "at"],
        "properties": {
            "status": _ref("schemas", "StatusCode"),
            "label": WORDS,
            "note": {
                "description": "The office's public note; empty when it wrote none.",
                "type": "string",
            },
            "at": _ref("schemas", "Time"),
        },
    },
    "Office": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "address", "opening_hours", "whatsapp"],
        "properties": {
            "name": WORDS,
            "address": {"type": "string"},
            "opening_hours": {"type": "string"},
            "whatsapp": {
                "description": "The office's WhatsApp number, or null if it has none.",
                "type": ["string", "null"],
                "pattern": r"^\+62[1-9][0-9]{7,11}$",
                "examples": ["+6281234567890"],
            },
        },
    },
    "Time": {
        "description": "A moment in UTC, to the second.",
        "type": "string",
        "format": "date-time",
        "pattern": "Z$",
        "examples": ["2025-03-04T02:15:00Z"],
    },
    "Error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "status", "message"],
                "properties": {
                    "code": {"description": "A word for programs.", "type": "string"},
                    "status": {"description": "The HTTP status.", "type": "integer"},
                    "message": {
                        "description": "What to tell the resident, in the answer's "
                        "language.",
                        "type": "string",
                    },
                },
            }
        },
    },
}

RESPONSES = {
    "BadNumber": _error(
        "The number is empty, is not 9 letters and digits (malformed), or has a "
        "typing mistake that its check symbol caught (typo). bad_request: the "
        "request itself could not be read.",
        400,
        [tracking.EMPTY, tracking.MALFORMED, tracking.TYPO, "bad_request"],
        RATE_HEADERS,
    ),
    "BadRequest": _error(
        "The request could not be read (a NUL byte, for example).",
        400,
        ["bad_request"],
    ),
    "NotFound": _error("No request has this number.", 404, ["not_found"], RATE_HEADERS),
    "MethodNotAllowed": _error(
        "Only GET (and HEAD) is possible here.",
        405,
        ["method_not_allowed"],
        {
            "Allow": {
                "description": "The methods possible here.",
                "required": True,
                "schema": {"type": "string"},
            }
        },
    ),
    "TooLarge": _error("The request's body is over 1 MB.", 413, ["too_large"]),
    "TooManyLookups": _error(
        "Too many lookups from this client in a short time.",
        429,
        ["rate_limited"],
        {"Retry-After": _ref("headers", "RetryAfter"), **RATE_HEADERS},
    ),
    "ServerError": _error(
        "Something went wrong on the server; the message gives no details.",
        500,
        ["server_error"],
    ),
}


def _text_header(description):
    return {"description": description, "required": True, "schema": {"type": "string"}}


def _integer_header(description, required=False):
    header = {"description": description, "schema": {"type": "integer", "minimum": 0}}
    return {**header, "required": True} if required else header


HEADERS = {
    "RetryAfter": _integer_header("Seconds to wait before looking up again.", True),
    "RateLimitLimit": _integer_header("Lookups allowed in the current window."),
    "RateLimitRemaining": _integer_header("Lookups left in the current window."),
    "RateLimitReset": _integer_header("When the window ends, in Unix seconds."),
    "ETag": _text_header(
        "Stands for this answer: it changes whenever the answer would "
        "(status, dates, papers, language, the office's details)."
    ),
    "LastModified": _text_header("When the request last changed (HTTP date)."),
    "CacheControl": _text_header(
        "no-cache, private: keep the answer, but ask again before using it."
    ),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Dukcapil document tracking API",
        "version": "1.0.0",
        "description": (
            "Where a resident's request for a civil-registry document stands, for "
            "the office's phone app and messaging bots: give the tracking number "
            "from the receipt and get the answer in Indonesian or English. No "
            "personal data is ever returned: never the applicant's name, NIK, "
            "phone number or note. Errors are JSON too, with a word code that "
            "programs can rely on and a message to show the resident; any other "
            "address under /api/ answers 404 not_found."
        ),
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/v1/track/{number}": {"get": TRACK},
        "/api/v1/stats": {"get": STATS},
        "/api/v1/openapi.json": {"get": DESCRIBE},
    },
    "components": {"schemas": SCHEMAS, "responses": RESPONSES, "headers": HEADERS},
}

# Served as written, in this order: people read it too.
TEXT = json.dumps(DOCUMENT, indent=2, ensure_ascii=False)
