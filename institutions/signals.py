"""Staff groups follow the institutions: a new institution gets its editors group, and migrate sets up the
provincial staff group and the review workflow (idempotent)."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate, post_save
from wagtail.signals import page_published

from .models import InstitutionIndexPage, InstitutionPage

WORKFLOW_NAME = "Duyệt nội dung cơ sở"
TASK_NAME = "Cán bộ cấp tỉnh duyệt"


def institution_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .roles import editors_group

        editors_group(instance)


def institution_published(sender, instance, **kwargs):
    from .roles import editors_group

    editors_group(instance)  # publishing may change "editors publish directly"


def set_up_roles(sender, **kwargs):
    """After migrate: the provincial group, and the workflow that sends institutions' pages for review."""
    if sender.label != "institutions":
        return
    from django.contrib.auth.models import Group
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    from .roles import MODERATORS_GROUP, province_group

    for label in ("events", "institutions", "portal", "wagtailadmin", "wagtailcore", "wagtailimages"):
        create_permissions(apps.get_app_config(label), verbosity=0)
    province = province_group()
    moderators, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(province, moderators)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not WorkflowTask.objects.filter(workflow=workflow).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    directory = InstitutionIndexPage.objects.first()
    if directory and not WorkflowPage.objects.filter(page=directory).exists():
        WorkflowPage.objects.create(page=directory, workflow=workflow)


def connect():
    post_save.connect(institution_saved, sender=InstitutionPage, dispatch_uid="institution_editors_group")
    page_published.connect(
        institution_published, sender=InstitutionPage, dispatch_uid="institution_publish_rights"
    )
    post_migrate.connect(set_up_roles, dispatch_uid="institutions_roles")
