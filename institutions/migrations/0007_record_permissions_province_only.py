"""Editors' and officers' groups lose the model-wide permissions of the per-institution records.

`change_attendance`, `change_visitcount` and `change_servicerecord` mean "every record of the province":
only the provincial group keeps them. Editors and officers reach their own institutions' records through
their staff scope (`institutions.record_admin`).
"""

from django.db import migrations

RECORD_CODENAMES = [
    ("events", "change_attendance"),
    ("institutions", "change_visitcount"),
    ("institutions", "change_servicerecord"),
]


def remove_model_wide_record_permissions(apps, schema_editor):
    StaffScope = apps.get_model("institutions", "StaffScope")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    scoped_groups = StaffScope.objects.filter(province=False).values("group_id")
    for app_label, codename in RECORD_CODENAMES:
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename=codename):
            for group in Group.objects.filter(pk__in=scoped_groups, permissions=permission):
                group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0006_visit_institution_purpose_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(remove_model_wide_record_permissions, migrations.RunPython.noop)]
