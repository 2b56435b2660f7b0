from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import BlockField

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
            # The model's empty owners list is already in `initial`, so replace it rather than
            # `setdefault`: the creator must see themselves selected, or the next save of the
            # same form (Wagtail's autosave turns the create form into the edit form) sends an
            # empty list and locks them out of the course they just created.
            creating = not self.instance.pk and not self.is_bound
            if creating and self.for_user is not None and not self.initial.get("owners"):
                self.initial["owners"] = [self.for_user.pk]
        if "prerequisites" in self.fields and self.instance.pk:
            self.fields["prerequisites"].queryset = self.fields["prerequisites"].queryset.exclude(
                pk=self.instance.pk
            )

    def clean(self):
        cleaned = super().clean()
        user = self.for_user
        if user is not None and "owners" in cleaned and self._must_stay_owner(user):
            owners = cleaned.get("owners")
            ids = set(owners.values_list("pk", flat=True)) if owners is not None else set()
            if user.pk not in ids:
                ids.add(user.pk)
                cleaned["owners"] = get_user_model().objects.filter(pk__in=ids)
        return cleaned

    def _must_stay_owner(self, user) -> bool:
        """The creator owns a new course; an owner who cannot publish (a trainer) cannot drop
        themselves from it, since that save would lock them out of a course in their hands."""
        if not self.instance.pk:
            return True
        if not self.instance.permissions_for_user(user).is_restricted():
            return False
        # The owners the editor loaded (a draft revision's FakeQuerySet), before this save.
        return user.pk in {owner.pk for owner in self.instance.owners.all()}


INCOMPLETE_STREAM = _(
    "The content of this field did not arrive complete: reload the page and try again."
)


class LessonPageForm(WagtailAdminPageForm):
    """The lesson editor. A POST without a StreamField's block count (an empty or truncated
    request, not the editor's) would make Wagtail's block widget raise a KeyError (a 500):
    the field reads as empty instead, and the form refuses it with an error, so nothing is
    saved and the body is never wiped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.incomplete_streams = []
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            count_key = f"{self.add_prefix(name)}-count"
            if isinstance(field, BlockField) and count_key not in self.data:
                if not self.incomplete_streams:
                    self.data = self.data.copy()
                self.data[count_key] = "0"
                self.incomplete_streams.append(name)

    def clean(self):
        cleaned_data = super().clean()
        for name in self.incomplete_streams:
            self.add_error(name, INCOMPLETE_STREAM)
        return cleaned_data
