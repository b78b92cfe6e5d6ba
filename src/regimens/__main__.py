"""``python -m regimens``: the same as the ``regimens`` command."""

from regimens._cli import main

if __name__ == "__main__":
    main()
