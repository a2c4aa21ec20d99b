"""WeSemiBay Explorer's Qt desktop program. It imports ``db``; ``db`` never imports it."""
