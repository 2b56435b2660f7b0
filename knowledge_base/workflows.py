"""What happens when a workflow is approved (settings.WAGTAIL_FINISH_WORKFLOW_ACTION)."""


def publish_approved(workflow_state, user=None):
    """Publish the approved revision. The approval task already decided who may approve (a
    content reviewer, or an owner or backup of the article's systems), so the approver does
    not also need Wagtail's publish permission."""
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
