"""Who may act for which institutions (SPEC §7): an institution's editors, an area's officers, the province.

A staff group carries a `StaffScope`. Editors' groups get Wagtail page permissions on their institution's
subtree; every custom screen, import and record view asks `institutions_for(user)`. Only the provincial group
holds the Django permissions of the per-institution records (`RECORD_PERMISSIONS`), which mean "every record
of the province"; editors and officers reach their own institutions' records through their scope
(`record_permissions.InstitutionRecordPolicy`).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .models import AdministrativeUnit, InstitutionPage, StaffScope

PROVINCE_GROUP = "Cán bộ cấp tỉnh"
MODERATORS_GROUP = "Moderators"
RECORD_PERMISSIONS = [
    ("events", "change_attendance"),
    ("institutions", "change_visitcount"),
    ("institutions", "change_servicerecord"),
]
IMAGE_PERMISSIONS = ["add_image", "choose_image"]


def scopes(user) -> list[StaffScope]:
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_staff_scopes", None)
    if cache is None:
        cache = list(StaffScope.objects.filter(group__user=user).select_related("institution", "area"))
        user._staff_scopes = cache
    return cache


def is_provincial(user) -> bool:
    return user.is_active and (user.is_superuser or any(scope.province for scope in scopes(user)))


def has_institution_scope(user) -> bool:
    """Whether `user` acts for at least one institution: an editor, an officer, provincial staff."""
    return user.is_active and (
        is_provincial(user) or any(scope.institution_id or scope.area_id for scope in scopes(user))
    )


def institutions_for(user):
    """The institutions `user` may record data for and import rows of."""
    if not user.is_active:
        return InstitutionPage.objects.none()
    if is_provincial(user):
        return InstitutionPage.objects.all()
    unit_ids: set[int] = set()
    institution_ids = set()
    for scope in scopes(user):
        if scope.institution_id:
            institution_ids.add(scope.institution_id)
        elif scope.area_id:
            unit_ids |= AdministrativeUnit.objects.descendant_ids(scope.area)
    return InstitutionPage.objects.filter(pk__in=institution_ids) | InstitutionPage.objects.filter(
        unit_id__in=unit_ids
    )


def statistics_areas(user) -> list[AdministrativeUnit] | None:
    """None: every area (the province). A list: the areas an officer may see. Empty: no statistics."""
    if is_provincial(user):
        return None
    return [scope.area for scope in scopes(user) if scope.area_id]


def area_allowed(user, area: AdministrativeUnit | None) -> bool:
    allowed = statistics_areas(user)
    if allowed is None:
        return True
    if area is None:
        return False
    return any(area.pk in AdministrativeUnit.objects.descendant_ids(unit) for unit in allowed)


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def give_admin_access(group: Group) -> None:
    """Admin access only: the records' model permissions would reach every institution's records."""
    group.permissions.add(permission("wagtailadmin", "access_admin"))
    group.permissions.remove(*[permission(app_label, codename) for app_label, codename in RECORD_PERMISSIONS])


@transaction.atomic
def editors_group(institution: InstitutionPage) -> Group:
    """The institution's editors: its page and events (submitting for review unless trusted), its data."""
    scope = StaffScope.objects.filter(institution=institution).select_related("group").first()
    if scope:
        group = scope.group
    else:
        group, _created = Group.objects.get_or_create(
            name=_("Editors of %(code)s") % {"code": institution.code}
        )
        StaffScope.objects.create(group=group, institution=institution)
    give_admin_access(group)
    wanted = ["add_page", "change_page"] + (["publish_page"] if institution.publishes_directly else [])
    GroupPagePermission.objects.filter(group=group).exclude(
        page=institution, permission__codename__in=wanted
    ).delete()
    for codename in wanted:
        GroupPagePermission.objects.get_or_create(
            group=group, page=institution, permission=permission("wagtailcore", codename)
        )
    root_collection = Collection.get_first_root_node()
    for codename in IMAGE_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission("wagtailimages", codename)
        )
    return group


@transaction.atomic
def area_group(unit: AdministrativeUnit) -> Group:
    scope = StaffScope.objects.filter(area=unit).select_related("group").first()
    if scope:
        group = scope.group
    else:
        group, _created = Group.objects.get_or_create(name=_("Officers of %(area)s") % {"area": unit})
        StaffScope.objects.create(group=group, area=unit)
    give_admin_access(group)
    return group


@transaction.atomic
def province_group() -> Group:
    """Provincial staff: every page and record, the statistics; they moderate the review workflow."""
    scope = StaffScope.objects.filter(province=True).select_related("group").first()
    if scope:
        group = scope.group
    else:
        group, _created = Group.objects.get_or_create(name=PROVINCE_GROUP)
        StaffScope.objects.create(group=group, province=True)
    group.permissions.add(permission("wagtailadmin", "access_admin"))
    for app_label, model in [
        ("institutions", "servicerecord"),
        ("institutions", "visitcount"),
        ("institutions", "administrativeunit"),
        ("institutions", "commendation"),
        ("events", "attendance"),
        ("events", "topic"),
        ("events", "campaign"),
        ("portal", "target"),
    ]:
        for action in ("add", "change", "delete", "view"):
            found = Permission.objects.filter(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            ).first()
            if found:
                group.permissions.add(found)
    root = Page.get_first_root_node()
    for codename in ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]:
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=permission("wagtailcore", codename)
        )
    for codename in IMAGE_PERMISSIONS + ["change_image", "delete_image"]:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=Collection.get_first_root_node(),
            permission=permission("wagtailimages", codename),
        )
    return group


def may_see_personal_data(user, institution_id: int) -> bool:
    """Residents' personal data (registrations' rosters, SPEC §9): the staff of the institution itself and
    provincial staff only; an area's statistics officers see counts, not people."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_provincial(user):
        return True
    return any(scope.institution_id == institution_id for scope in scopes(user))
