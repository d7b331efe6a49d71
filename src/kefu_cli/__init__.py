"""kefu (客服): complaint and callback case management with Chinese working-day deadlines."""

__version__ = "0.1.0"
