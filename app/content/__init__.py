"""Case studies as files: reading, validating and importing Markdown with YAML front matter."""
