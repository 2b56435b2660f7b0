from django.dispatch import Signal

# Sent once per enrolment cycle, inside the transaction that records the completion, so that a
# receiver writing to the database (certificates' outbox) commits or rolls back with it.
# kwargs: enrolment (courses.Enrolment)
course_completed = Signal()
