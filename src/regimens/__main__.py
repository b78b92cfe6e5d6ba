"""``python -m regimens``: the same as the ``regimens`` command."""

from regimens.cli import main

if __name__ == "__main__":
    main()
