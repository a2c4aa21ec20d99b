"""Qt item models over db queries."""
