"""Role checks for views and APIs. Organisation scoping lives in ``accounts.selectors``."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.models import Role

TRAINERS = (Role.TRAINER, Role.ADMIN)
MANAGERS = (Role.MANAGER, Role.ADMIN)
STAFF = (Role.TRAINER, Role.MANAGER, Role.ADMIN)


def role_required(*roles: str) -> Callable:
    """A logged-in member of an organisation with one of ``roles``; others get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.organisation_id is None or (roles and request.user.role not in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


member_required = role_required()


class IsMember(BasePermission):
    """Authenticated and belonging to an organisation."""

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.organisation_id)


def has_role(*roles: str) -> type[BasePermission]:
    class HasRole(IsMember):
        def has_permission(self, request, view) -> bool:
            return super().has_permission(request, view) and request.user.role in roles

    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole
