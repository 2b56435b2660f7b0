from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.admin.forms import WagtailAdminPageForm

from core.api import Role


class CoursePageForm(WagtailAdminPageForm):
    """The course editor: owners are chosen among trainers, and whoever creates a course owns
    it, so that they can keep editing it once it leaves their hands for review."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        User = get_user_model()
        # A draft revision holds owners in a modelcluster FakeQuerySet: read them by iteration.
        current = [owner.pk for owner in self.instance.owners.all()] if self.instance.pk else []
        if "owners" in self.fields:
            self.fields["owners"].queryset = (
                User.objects.filter(
                    Q(groups__name__in=[Role.TRAINER, Role.ADMIN])
                    | Q(pk__in=current)
                    | Q(pk=getattr(self.for_user, "pk", None))
                )
                .distinct()
                .order_by("last_name", "first_name", "email")
            )
            if not self.instance.pk and self.for_user is not None:
                self.initial.setdefault("owners", [self.for_user.pk])
        if "prerequisites" in self.fields and self.instance.pk:
            self.fields["prerequisites"].queryset = self.fields["prerequisites"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean(self):
        cleaned = super().clean()
        user = self.for_user
        if not self.instance.pk and user is not None and "owners" in cleaned:
            owners = cleaned.get("owners")
            ids = set(owners.values_list("pk", flat=True)) if owners is not None else set()
            if user.pk not in ids:
                ids.add(user.pk)
                cleaned["owners"] = get_user_model().objects.filter(pk__in=ids)
        return cleaned
