"""Publisher objects: one per topic this service writes to.

Code that publishes imports the object (``await user_created.publish(event)``) instead of
naming a topic in a string: the topic is written once, AsyncAPI documents it, and tests can
assert on ``user_created.mock``. Each module declares its publishers on its own router;
``main.py`` includes every router in ``routers`` into the broker.
"""

from . import notifications, user

routers = [user.router, notifications.router]
