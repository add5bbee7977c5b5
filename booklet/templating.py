"""The Jinja environment: one place builds it, with autoescape and StrictUndefined.

Content is only ever passed to templates as data, never compiled as template source, so
`{{ 7*7 }}` in a lesson prints as written. A variable a template expects but does not get
fails the build instead of printing a blank, which in a key would be a silent wrong answer.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .resources import templates_dir
from .running_head import running_title


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["running_title"] = running_title  # the header's title, cut to one line
    return env
