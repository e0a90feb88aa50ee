"""``python -m tijdlijn`` runs the command line."""
from tijdlijn.cli import main

if __name__ == "__main__":
    main()
