"""What HR knows of a person signing in through single sign-on (core.hooks asks)."""

from core.hooks import SSOStaffStatus

from .models import StaffProfile


def sso_staff_status(email: str) -> str:
    """ACTIVE for imported staff still working here, LEFT for those HR marked as gone (their
    account must not open again through the provider), UNKNOWN without a staff profile."""
    status = (
        StaffProfile.objects.filter(user__email__iexact=(email or "").strip())
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        return SSOStaffStatus.UNKNOWN
    if status == StaffProfile.Status.LEFT:
        return SSOStaffStatus.LEFT
    return SSOStaffStatus.ACTIVE
