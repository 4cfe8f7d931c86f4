"""``notifications``: put each message in its user's in-app inbox."""

from faststream.kafka import KafkaRouter

from app.broker import consumer_options
from app.models.events import NotificationEvent
from app.services import inbox

router = KafkaRouter()


@router.subscriber("notifications", **consumer_options("inbox"))
async def on_notification(event: NotificationEvent) -> None:
    await inbox.deliver(event.user_id, event.message, event.type)
