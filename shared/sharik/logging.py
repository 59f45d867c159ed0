"""structlog setup: JSON lines when not on a terminal, and the current trace and span
ids in every line so logs join traces."""

import logging
import sys

import structlog
from opentelemetry import trace


def _add_trace_ids(_logger, _method, event_dict: dict) -> dict:
    context = trace.get_current_span().get_span_context()
    if context.is_valid and "trace_id" not in event_dict:
        event_dict["trace_id"] = format(context.trace_id, "032x")
        event_dict["span_id"] = format(context.span_id, "016x")
    return event_dict


def configure_logging(service_name: str, level: str = "INFO") -> None:
    """Route structlog and the standard library (uvicorn, aiokafka, FastStream) through
    one renderer."""
    renderer = (
        structlog.dev.ConsoleRenderer()
        if sys.stderr.isatty()
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
            processors=[
                # uvicorn adds a coloured copy of its message for terminals.
                lambda _l, _m, d: {**{k: v for k, v in d.items() if k != "color_message"}, "service": service_name},
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # FastStream gives its loggers handlers of their own (coloured plain text) and stops
    # them propagating; uvicorn would too with its default log config.
    for name in ("faststream", "faststream.access.kafka", "uvicorn", "uvicorn.error", "uvicorn.access"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
