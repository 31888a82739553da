"""`make demo`: the whole pipeline on a bundled snapshot site served on loopback.

`python -m demo` serves the site (demo/site.py), runs the monitor twice (the site changes in
between), builds a digest, and prints what happened and where the files are.
"""
