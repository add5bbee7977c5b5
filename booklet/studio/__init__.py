"""The teacher's studio (`booklet serve`): a local web page to write lessons, see their pages, print.

The logic is plain functions here, in rooms along the way a file goes: `workspace` (which files
there are; reading and saving them safely), `checking` (every problem, at its line, as
`booklet check` finds it), `inserting` (the «add» menu), `previews` (pages as pictures, from
one warm renderer), `printing` (the builds, class lists, uploaded figures). `app` is the web
layer over them (Starlette: routes, the token and Host checks), `server` starts it.
"""
