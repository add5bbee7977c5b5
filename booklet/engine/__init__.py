"""The engine: how laid-out pages become PDFs, with as little layout as possible.

WeasyPrint's layout is what a build costs, so the engine asks for each page once:

- a worksheet and its key, an exam variant and its key, are one layout painted twice
  (the answers are in the laid-out boxes; the sheet leaves them unpainted), and for an exam
  what the two share is painted once, each drawing only its own over it;
- a pupil's named copy is its variant's pages with the name stamped on, not a new layout;
- independent documents are laid out in worker processes, one work unit at a time, and
  their PDFs are joined into the files a teacher prints;
- a build whose inputs have not changed since the last one into the same folder is not
  done again (the record lives in the output folder).
"""
