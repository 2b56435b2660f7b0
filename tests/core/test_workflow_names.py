"""Wagtail's default workflow shows in Spanish (core migration 0010)."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Task, Workflow

pytestmark = pytest.mark.django_db

migration = importlib.import_module("core.migrations.0010_spanish_default_workflow")


def test_the_default_workflow_and_task_have_no_english_name():
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()


def test_the_rename_changes_only_the_default_name():
    default = Workflow.objects.create(name="Moderators approval")
    chosen = Workflow.objects.create(name="Revisión legal")
    task = Task.objects.create(name="Moderators approval")
    migration.rename(apps, None)
    default.refresh_from_db(), chosen.refresh_from_db(), task.refresh_from_db()
    assert default.name == task.name == "Aprobación de moderadores"
    assert chosen.name == "Revisión legal"
