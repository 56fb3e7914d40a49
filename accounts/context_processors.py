"""Role-aware navigation for base.html."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

# (url name, label, roles that see it); a link whose URL is not installed is left out.
NAVIGATION = [
    ("home", _("Home"), None),
    ("cases:scenarios", _("Practice"), {Role.AGENT, Role.TRAINER, Role.MANAGER, Role.ADMIN}),
    ("knowledge:home", _("Knowledge"), None),
    ("cases:list", _("Case library"), None),
    ("coaching:courses", _("Courses"), None),
    ("practice:review_queue", _("Review queue"), {Role.TRAINER, Role.ADMIN}),
    ("practice:calls", _("Call QA"), {Role.TRAINER, Role.MANAGER, Role.ADMIN}),
    ("coaching:manager", _("Team dashboard"), {Role.MANAGER, Role.ADMIN}),
    ("coaching:trainer", _("Trainer desk"), {Role.TRAINER, Role.ADMIN}),
    ("accounts:audit", _("Audit log"), {Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, roles in NAVIGATION:
        if roles is not None and user.role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"name": name, "url": url, "label": label, "active": False})
    # The most specific link that contains the current page is the active one.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
