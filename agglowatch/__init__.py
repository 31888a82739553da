"""agglowatch: scheduled monitoring of publications on China's urban agglomerations."""

__version__ = "0.1.0"
