"""`python -m miner`: the `miner` command, for a Python whose scripts folder is not on PATH."""

from miner.cli import main

if __name__ == "__main__":
    main()
