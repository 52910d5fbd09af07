"""The annotators' workflow: starting an annotation and finding offsets (`authoring`), and settling several
annotators' disagreements into one gold annotation (`adjudication`, with `disputes`)."""
