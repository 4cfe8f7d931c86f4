"""``user.created``: welcome the new user.

The handler only translates: the event in, calls to the services, a notification out.
"""

from faststream.kafka import KafkaRouter

from app.broker import consumer_options
from app.models.events import NotificationEvent, UserCreated
from app.publishers.notifications import notifications
from app.services import email, user_settings
from app.services.notifications import welcome_notification

router = KafkaRouter()


@notifications  # what the handler returns is published to `notifications`
@router.subscriber("user.created", **consumer_options("welcome"))
async def on_user_created(event: UserCreated) -> NotificationEvent:
    await email.send_welcome_email(event.email, event.name)
    await user_settings.create_default_settings(event.user_id)
    return welcome_notification(event.user_id, event.name)
