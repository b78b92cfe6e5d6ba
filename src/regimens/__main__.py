"""``python -m regimens``: the same as the ``regimens`` command."""

from regimens._cli import main

if __name__ == "__main__":
    main(prog_name="regimens")  # help and errors say "regimens", not "python -m regimens"
