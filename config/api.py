"""API plumbing shared by every app: pagination and the JSON error handler."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import DomainError


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        """Malformed ``page`` or ``page_size`` values are errors the caller hears about."""
        for name in (self.page_query_param, self.page_size_query_param):
            values = request.query_params.getlist(name)
            if values and (len(values) > 1 or not values[0].isdigit() or int(values[0]) < 1):
                raise ValidationError({name: [_("Must be a positive whole number.")]})
        return super().paginate_queryset(queryset, request, view)


LLM_STATUS = {
    "timeout": 504,
    "rate_limited": 503,
    "unavailable": 503,
    "malformed_output": 502,
    "budget_exceeded": 429,
}


def exception_handler(exc, context):
    """Every error answers JSON with a ``detail``; validation errors also carry the fields."""
    from practice.llm.errors import LLMError

    if isinstance(exc, (OperationalError, InterfaceError)):
        return Response(
            {
                "detail": _("The database is unavailable. Please try again shortly."),
                "code": "unavailable",
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent)):
        return Response(
            {"detail": _("The request is too large."), "code": "too_large"},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, LLMError):
        # The agent's message is already stored; the client can ask for the reply again.
        return Response(
            {"detail": exc.message, "code": exc.code, "retry": True},
            status=LLM_STATUS.get(exc.code, 502),
        )
    if isinstance(exc, DomainError):
        body = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        messages = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        first = next(iter(messages.values()))[0]
        return Response({"detail": first, "errors": messages}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return Response(
            {"detail": str(exc) or "Permission denied."}, status=status.HTTP_403_FORBIDDEN
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" not in data:
        first = next(iter(data.values()), None)
        if isinstance(first, list) and first:
            first = first[0]
        response.data = {"detail": str(first) if first else "Invalid request.", "errors": data}
    elif isinstance(data, list):
        response.data = {"detail": str(data[0]) if data else "Invalid request.", "errors": data}
    return response
