#!/usr/bin/python3
"""Checks deploy/image/Dockerfile's runtime package list against the built binaries
(image_packages.py explains how).

  check_image_packages.py --dockerfile PATH BINARY...

Exit status 0 when the list is complete and minimal; 1 with one line per problem.
"""

import argparse
import sys

import image_packages


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dockerfile", required=True)
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    with open(args.dockerfile, encoding="utf-8") as stream:
        problems, report = image_packages.check(stream.read(), args.binaries)
    for line in report:
        print(line)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
