"""Handlers, one module per event. Each module declares its subscribers on its own router;
``main.py`` includes every router in ``routers`` into the broker. A new handler module is one
more entry here."""

from . import notifications, user

routers = [user.router, notifications.router]
