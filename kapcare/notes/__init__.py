"""The therapy itself: session notes, the parts map, EMDR targets, psychotherapy notes."""
