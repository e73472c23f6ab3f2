"""miner: the handoffs in an engineering org, from GitHub into DuckDB."""

__version__ = "0.1.0"
