"""OpenAPI post-processing: every operation documents the JSON errors the API can answer."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: ``detail`` says what went wrong, in the caller's language.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "field": {"type": "string"},
        "retry": {"type": "boolean"},
        "errors": {},
    },
    "required": ["detail"],
}

ERROR_RESPONSES = {
    "400": "Invalid request: the detail names the problem.",
    "401": "Not authenticated.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or not visible to the caller (another organisation's object).",
    "405": "Method not allowed.",
    "409": "Conflicts with the current state (a reply is pending, the session is finished).",
    "413": "The request is too large.",
    "415": "Unsupported media type.",
    "429": "Rate limit or monthly AI budget reached.",
    "502": "The language model returned an unusable answer; the request can be retried.",
    "503": "A part of the service (database, broker, language model) is unavailable.",
    "504": "The language model did not answer in time; the request can be retried.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
