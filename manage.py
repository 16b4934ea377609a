#!/usr/bin/env python
from __future__ import annotations

import sys

from parvis.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage", *sys.argv[1:]]))
