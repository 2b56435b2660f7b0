import time
import pytest
pytestmark = pytest.mark.django_db

def test_issue(learner, course, issue):
    t=time.time(); c = issue(learner, course); print("first", time.time()-t)
    t=time.time(); c = issue(learner, course); print("second", time.time()-t)
