"""The deterministic demo district: 西夏区 at its real scale, generated from a seed."""
