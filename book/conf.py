"""Sphinx configuration for the course's static site (built by scripts/build_site.py)."""

project = "Event-driven Python with FastStream"
author = ""  # no "By ..." line in the footer
extensions = ["myst_nb", "sphinxcontrib.mermaid"]

# Notebooks are shown with the outputs of their real run, never executed again here.
nb_execution_mode = "off"
nb_merge_streams = True
myst_fence_as_directive = ["mermaid"]
myst_enable_extensions = ["colon_fence"]

# Mermaid is served from the site itself (copied in by the build), not from a CDN.
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"
mermaid_fullscreen = False
mermaid_d3_zoom = False
# Diagrams at their natural size, shrunk only to fit the column (the default squeezes every one into 500 px).
mermaid_height = "auto"
mermaid_init_config = {"startOnLoad": False, "flowchart": {"useMaxWidth": False},
                       "sequence": {"useMaxWidth": False}}

# Exercise solutions are the only folded cells.
nb_code_prompt_show = "Show the solution"
nb_code_prompt_hide = "Hide the solution"

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_context = {"default_mode": "light"}
html_theme_options = {"show_toc_level": 2, "use_download_button": True}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]
