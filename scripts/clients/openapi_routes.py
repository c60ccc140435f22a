#!/usr/bin/env python3
"""Validates an OpenAPI document with openapi-spec-validator and prints its operations as
`METHOD /path` lines (used by OpenAPIDocumentTests). Exit status 1 with the validator's message when
the document is not valid OpenAPI."""
import sys

import yaml
from openapi_spec_validator import validate


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        document = yaml.safe_load(f)
    try:
        validate(document)
    except Exception as error:  # the validator's own exception types vary between versions
        print(f"not valid OpenAPI: {error}", file=sys.stderr)
        return 1
    for path, item in document["paths"].items():
        for method in item:
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                print(f"{method.upper()} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
