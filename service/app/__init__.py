"""The welcome service: FastStream consumers and a FastAPI API around one Kafka broker.

    config.py      Settings: what changes between environments, from environment variables
    broker.py      the one KafkaBroker, built from the settings; options every consumer shares
    models/        the event contracts (Pydantic models) this service consumes and publishes
    events/        handlers: one module per event; each translates a message into service calls
    publishers/    publisher objects: the topics this service writes to
    services/      business logic, plain Python: no Kafka, no HTTP
    routes.py      the HTTP endpoints
    main.py        wiring: the routers included, `app` for `faststream run`, `api` for uvicorn
"""
