"""Staff groups follow the institutions: a new institution gets its editors group, and migrate sets up the
provincial staff group and the review workflow (idempotent)."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save
from wagtail.signals import page_published

from core import deletions

from . import tallies
from .models import InstitutionIndexPage, InstitutionPage, VisitCount

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


# The visit tallies (`institutions.tallies`) follow every save and deletion of a visit count, in its
# transaction (`VisitCount.save` is atomic; Django deletes inside a transaction). A count moved to another
# institution or year has both counted again.


def visit_count_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        before = VisitCount.objects.filter(pk=instance.pk).values_list("institution_id", "date").first()
        instance.tally_before = (before[0], before[1].year) if before else None


def visit_count_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tallies.changed([tallies.key_of(instance), *filter(None, [getattr(instance, "tally_before", None)])])


def visit_count_deleting(sender, instance, origin=None, **kwargs):
    deletions.note(origin, ("visit tally", *tallies.key_of(instance)))


def visit_count_deleted(sender, instance, origin=None, **kwargs):
    if deletions.first(origin, ("visit tally", *tallies.key_of(instance))):
        tallies.changed([tallies.key_of(instance)])


def connect():
    post_save.connect(institution_saved, sender=InstitutionPage, dispatch_uid="institution_editors_group")
    page_published.connect(
        institution_published, sender=InstitutionPage, dispatch_uid="institution_publish_rights"
    )
    pre_save.connect(visit_count_saving, sender=VisitCount, dispatch_uid="institutions_tally_before")
    post_save.connect(visit_count_saved, sender=VisitCount, dispatch_uid="institutions_tally")
    pre_delete.connect(visit_count_deleting, sender=VisitCount, dispatch_uid="institutions_tally_deleting")
    post_delete.connect(visit_count_deleted, sender=VisitCount, dispatch_uid="institutions_tally_deleted")
    post_migrate.connect(set_up_roles, dispatch_uid="institutions_roles")
