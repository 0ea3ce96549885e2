"""One import pipeline for every data set (STYLE §9): Excel/CSV in, normalised, validated with errors
by file, sheet, row and column in Chinese, previewed as added/changed/removed, committed all-or-nothing,
then submitted, reviewed, approved (locked) or returned."""
