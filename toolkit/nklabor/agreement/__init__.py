"""How far annotators agree: the measures (`metrics`), event alignment (`align`) and the agreement report over
a set of annotations (`measure`)."""
