"""Login, logout, the role-aware home page and the admins' audit log."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.forms import LoginForm
from accounts.models import Role
from accounts.permissions import role_required

LOGIN_ATTEMPTS = 10
LOGIN_WINDOW_SECONDS = 15 * 60


class LoginView(auth_views.LoginView):
    """Django's login view with a brute-force brake per username and per client address."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show_demo_hint"] = settings.DEBUG
        return context

    def _keys(self):
        username = (self.request.POST.get("username") or "").strip().lower()[:150]
        address = self.request.META.get("REMOTE_ADDR", "")
        return [f"login-fail:user:{username}", f"login-fail:addr:{address}"]

    def post(self, request, *args, **kwargs):
        if any((cache.get(key) or 0) >= LOGIN_ATTEMPTS for key in self._keys()):
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None, _("Too many failed attempts. Please wait a few minutes and try again.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        for key in self._keys():
            cache.add(key, 0, LOGIN_WINDOW_SECONDS)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, LOGIN_WINDOW_SECONDS)
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    pass


@role_required()
def home(request):
    """Each role lands on its own page; the coaching app fills them with figures."""
    from coaching import selectors as coaching_selectors  # the coaching app owns the dashboards

    context = coaching_selectors.home_context(user=request.user)
    return render(request, f"accounts/home_{request.user.role}.html", context)


@role_required(Role.ADMIN)
def audit_log(request):
    return render(request, "accounts/audit.html", {"rows": selectors.audit_log(user=request.user)})
